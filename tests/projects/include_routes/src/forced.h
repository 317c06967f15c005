#define FORCED "forced"
