using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

// Every native call goes through [LibraryImport]; no built-in runtime marshalling (dotnet/runtime convention).
[assembly: DisableRuntimeMarshalling]

// libc, libnftables and libnetfilter_queue are system libraries: dlopen() finds them through the loader's own
// paths (ld.so.cache), never next to the application, where a planted copy would be picked up first.
[assembly: DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
