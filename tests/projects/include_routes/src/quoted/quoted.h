#define QUOTED "quoted"
