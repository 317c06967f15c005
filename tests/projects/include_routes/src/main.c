#include <stdio.h>
#include <string.h>
#include "regexp.h"
#include "alias.h"
#include "quoted.h"
#include <after.h>
#include "relative.h"
#include "generated.h"
#if __has_include("optional.h")
#define PROBE "found optional.h"
#else
#define PROBE "no optional.h"
#endif

int main(void) {
  printf("%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%zu\n", UTIL_REGEXP, NEXT_STRING, ALIASED, QUOTED, AFTER, RELATIVE,
         FORCED, IMACRO, GENERATED, PROBE, strlen("abc"));
  return 0;
}
