using System.Runtime.InteropServices;

namespace Dts.Linux;

/// <summary>Typed setsockopt/getsockopt/ioctl wrappers that turn errno into <see cref="LinuxSocketException"/>.</summary>
internal static unsafe class SocketOption
{
    internal static void SetInt32(SafeHandle fd, int level, int name, int value, string operation)
    {
        if (Interop.Libc.setsockopt(fd, level, name, &value, sizeof(int)) != 0)
        {
            throw LinuxSocketException.FromLastError(operation);
        }
    }

    internal static int GetInt32(SafeHandle fd, int level, int name, string operation)
    {
        int value = 0;
        uint len = sizeof(int);
        if (Interop.Libc.getsockopt(fd, level, name, &value, &len) != 0)
        {
            throw LinuxSocketException.FromLastError(operation);
        }

        return value;
    }

    internal static void Set<T>(SafeHandle fd, int level, int name, in T value, string operation)
        where T : unmanaged
    {
        fixed (T* p = &value)
        {
            if (Interop.Libc.setsockopt(fd, level, name, p, (uint)sizeof(T)) != 0)
            {
                throw LinuxSocketException.FromLastError(operation);
            }
        }
    }

    /// <summary>Reads a struct; returns the number of bytes the kernel filled in.</summary>
    internal static int Get<T>(SafeHandle fd, int level, int name, out T value, string operation)
        where T : unmanaged
    {
        T v = default;
        uint len = (uint)sizeof(T);
        if (Interop.Libc.getsockopt(fd, level, name, &v, &len) != 0)
        {
            throw LinuxSocketException.FromLastError(operation);
        }

        value = v;
        return (int)len;
    }

    internal static int Ioctl(SafeHandle fd, uint request, string operation)
    {
        int value = 0;
        if (Interop.Libc.ioctl(fd, request, &value) != 0)
        {
            throw LinuxSocketException.FromLastError(operation);
        }

        return value;
    }
}
