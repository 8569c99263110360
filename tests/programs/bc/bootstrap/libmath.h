/* An empty math library, for the bc that compiles the real one (libmath.b) into libmath.h,
   as bc's own build does: global.c includes this inside the initializer of `libmath`. */
{0}
