using System.Runtime.InteropServices;

namespace Gauntlet.Core.IO;

/// <summary>What a path names, as far as reading or writing it is concerned.</summary>
public enum FileKind
{
    /// <summary>Nothing exists there.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A character or block device, a FIFO or a socket: written to in place, never replaced, and never read as input (a read may block forever or never end).</summary>
    Special,
}

/// <summary>
/// Tells regular files from device nodes and FIFOs. .NET exposes only permission bits
/// (<see cref="File.GetUnixFileMode(string)"/>), not the file type, so on Linux this asks the
/// kernel with <c>statx(2)</c>, whose buffer layout is the same on every architecture (unlike
/// <c>struct stat</c>). Elsewhere, or where <c>statx</c> is unavailable, only folders and files are
/// told apart, and anything under <c>/dev/</c> counts as special. Used by <see cref="AtomicFile"/>
/// before writing and by the model scanner before opening a file for reading.
/// </summary>
public static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int InodeOffset = 32; // then u16 spare, u64 ino
    private const int DeviceOffset = 136; // after size, blocks, attributes_mask, four timestamps and rdev: u32 dev_major, u32 dev_minor
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;
    private const int FifoType = 0x1000;
    private const int CharacterType = 0x2000;
    private const int BlockType = 0x6000;
    private const int SocketType = 0xC000;
    private const int RdevOffset = 128; // u32 rdev_major, u32 rdev_minor
    private const int ErrNoEntry = 2;
    private const int ErrNotDirectory = 20;

    /// <summary>The kind of <paramref name="path"/>, following symbolic links (a dangling link or a link loop is <see cref="FileKind.Missing"/>).</summary>
    /// <param name="path">The path to look at; it is never opened.</param>
    /// <returns>What the path names.</returns>
    public static FileKind Of(string path) => Describe(path).Kind;

    /// <summary>
    /// The kind of <paramref name="path"/>, following symbolic links, with a word for a special file
    /// (<c>FIFO</c>, <c>character device</c>, <c>block device</c>, <c>socket</c>) for error messages.
    /// </summary>
    /// <param name="path">The path to look at; it is never opened.</param>
    /// <returns>What the path names, and for a special file what kind it is (empty otherwise).</returns>
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

    /// <summary>
    /// The device and inode of <paramref name="path"/> (following links), which name one file however
    /// it is reached: through a hard link, a bind mount or a differently spelled path. Null where the
    /// path is missing or the platform cannot tell (then callers compare resolved paths only).
    /// </summary>
    public static unsafe (ulong Device, ulong Inode)? Identity(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = stackalloc byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0 || (*(uint*)buffer & StatxIno) == 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        var device = ((ulong)*(uint*)(buffer + DeviceOffset) << 32) | *(uint*)(buffer + DeviceOffset + 4);
        return (device, *(ulong*)(buffer + InodeOffset));
    }

    /// <summary>
    /// For a device node (following links): whether it is a block device and its major and minor
    /// numbers; null for anything else or where the platform cannot tell.
    /// </summary>
    public static unsafe (bool Block, uint Major, uint Minor)? DeviceNumbers(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = stackalloc byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        var type = *(ushort*)(buffer + ModeOffset) & TypeMask;
        return type is CharacterType or BlockType
            ? (type == BlockType, *(uint*)(buffer + RdevOffset), *(uint*)(buffer + RdevOffset + 4))
            : null;
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
            CharacterType => "character device",
            BlockType => "block device",
            SocketType => "socket",
            _ => string.Empty,
        };
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
