// The system's libxxhash (Debian: libxxhash-dev to build, libxxhash0 to run).
#include <xxhash.h>
