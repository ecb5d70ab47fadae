// The system's libzstd (Debian: libzstd-dev to build, libzstd1 to run).
#include <zstd.h>
