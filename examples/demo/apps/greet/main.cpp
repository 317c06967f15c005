#include <iostream>

#include "demo/core.h"
#include "demo/render.h"

int main() {
  std::cout << demo::banner("hello from nixcc") << " v" << demo::core_version() << "\n";
  return 0;
}
