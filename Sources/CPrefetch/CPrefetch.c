// The header's one inline function is all there is; a C target needs a
// source file to build.
#include "CPrefetch.h"
