using System.Runtime.InteropServices;

namespace Gauntlet.Core.IO;

/// <summary>What a path names, as far as writing to it or reading from it is concerned.</summary>
internal enum FileKind
{
    /// <summary>Nothing exists there.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A character or block device, a FIFO or a socket: written to in place, never replaced, and never read as input.</summary>
    Special,
}

/// <summary>
/// Tells regular files from device nodes and FIFOs. .NET exposes only permission bits
/// (<see cref="File.GetUnixFileMode(string)"/>), not the file type, so on Linux this asks the
/// kernel with <c>statx(2)</c>, whose buffer layout is the same on every architecture (unlike
/// <c>struct stat</c>). Elsewhere, or where <c>statx</c> is unavailable, only folders and files are
/// told apart, and anything under <c>/dev/</c> counts as special.
/// </summary>
internal static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;
    private const int FifoType = 0x1000;
    private const int CharacterDeviceType = 0x2000;
    private const int BlockDeviceType = 0x6000;
    private const int SocketType = 0xC000;
    private const int ErrNoEntry = 2;
    private const int ErrNotDirectory = 20;

    /// <summary>The kind of <paramref name="path"/>, following symbolic links.</summary>
    public static FileKind Of(string path) => Describe(path).Kind;

    /// <summary>
    /// The kind of <paramref name="path"/>, following symbolic links, with a word for a special file
    /// (<c>FIFO</c>, <c>character device</c>, <c>block device</c>, <c>socket</c>) for error messages.
    /// </summary>
    public static (FileKind Kind, string Description) Describe(string path)
    {
        if (OperatingSystem.IsLinux() && TryStatx(path, out var kind, out var description))
        {
            return (kind, description);
        }

        var portable = Portable(path);
        return (portable, portable == FileKind.Special ? "device" : string.Empty);
    }

    private static FileKind Portable(string path)
    {
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        return !OperatingSystem.IsWindows() && path.StartsWith("/dev/", StringComparison.Ordinal) ? FileKind.Special : FileKind.Regular;
    }

    private static unsafe bool TryStatx(string path, out FileKind kind, out string description)
    {
        kind = FileKind.Missing;
        description = string.Empty;
        var buffer = stackalloc byte[StatxSize];
        int result;
        try
        {
            result = Statx(AtFdCwd, path, 0, StatxType, buffer);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // a libc without statx (old glibc, musl before 1.2.5): use the portable probe
        }

        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ErrNoEntry or ErrNotDirectory; // missing; other errors (ENOSYS under old seccomp, EACCES) use the portable probe
        }

        var mode = *(ushort*)(buffer + ModeOffset) & TypeMask;
        kind = mode switch
        {
            RegularType => FileKind.Regular,
            DirectoryType => FileKind.Directory,
            _ => FileKind.Special,
        };
        description = mode switch
        {
            FifoType => "FIFO",
            CharacterDeviceType => "character device",
            BlockDeviceType => "block device",
            SocketType => "socket",
            _ => string.Empty,
        };
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
