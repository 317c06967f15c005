#define AFTER "after"
