#define ALIASED "through a link"
