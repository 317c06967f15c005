#pragma once
#include <string>
std::string one();
std::string two();
