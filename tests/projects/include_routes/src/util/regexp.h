#define UTIL_REGEXP "project regexp.h"
