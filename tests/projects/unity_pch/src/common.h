#pragma once
#include <string>
#include <vector>
#define COMMON_WORD "common"
