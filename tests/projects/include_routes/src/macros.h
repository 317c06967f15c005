#define IMACRO "imacros"
