using System.Runtime.CompilerServices;

// Every native call goes through [LibraryImport]; no built-in runtime marshalling (dotnet/runtime convention).
[assembly: DisableRuntimeMarshalling]
