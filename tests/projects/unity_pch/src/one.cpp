#include "parts.h"
namespace { const char* word() { return "one"; } }
std::string one() { return word(); }
