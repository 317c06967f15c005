#include <cstdio>

#include "demo/demo.h"

int main() {
  std::printf("app2: %s scale=%d\n", demo::name(), demo::scale(21));
  return 0;
}
