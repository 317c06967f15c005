#include <cstdio>

#include "demo/demo.h"
#include "demo/shared.h"

int app1_offset();

int main() {
  std::printf("app1: %s answer=%d sum=%d\n", demo::name(), demo::kAnswer, demo::sum(20, 21) + app1_offset());
  return 0;
}
