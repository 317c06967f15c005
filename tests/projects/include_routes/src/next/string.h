#include_next <string.h>
#define NEXT_STRING "wrapped string.h"
