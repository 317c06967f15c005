#include "parts.h"
namespace { const char* word_two() { return "two"; } }
std::string two() { return word_two(); }
