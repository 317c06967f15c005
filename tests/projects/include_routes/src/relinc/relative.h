#define RELATIVE "relative"
