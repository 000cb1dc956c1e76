namespace Gauntlet.Core.IO;

/// <summary>What an output option names once <see cref="OutputPolicy"/> has checked it.</summary>
public enum OutputKind
{
    /// <summary><c>-</c>: the content goes to standard output.</summary>
    StandardOutput,

    /// <summary>A regular file (existing or to be created), written atomically.</summary>
    File,

    /// <summary>A character device, FIFO or socket (<c>/dev/null</c>, a pipe): written through, never replaced.</summary>
    Device,

    /// <summary>A folder that receives several files (created when missing).</summary>
    Folder,
}

/// <summary>An output option's value as checked by <see cref="OutputPolicy"/>.</summary>
/// <param name="Option">The option that named it, e.g. <c>--json</c>.</param>
/// <param name="Path">The path as the user wrote it (<c>-</c> for standard output).</param>
/// <param name="Kind">What it names.</param>
public sealed record OutputTarget(string Option, string Path, OutputKind Kind);

/// <summary>
/// The one rule set for every file a Gauntlet command writes, applied before the command does any
/// work so that a bad output path costs nothing: a user never waits for an audit only to learn that
/// its report cannot be written.
/// </summary>
/// <remarks>
/// A file output is refused when its folder is missing, is not a folder, or cannot be written (tested
/// by creating and removing a probe file, because root ignores permission bits but not a read-only
/// mount or <c>/proc</c>); when the path is an existing folder; or when it is, or lies inside, one
/// of the command's inputs or another output of the same run. Paths are compared with every
/// symbolic link resolved, and existing files also by device and inode, so a hard link or a
/// differently spelled path to an input is caught. A folder output is refused when it is an existing
/// file or device, when its parent is missing or read-only, when it lies inside an input folder, or
/// when a file it would write is an existing folder or an input. A device or FIFO is accepted as a
/// file output (it is written through, not replaced) unless the option writes files beside it.
/// </remarks>
public sealed class OutputPolicy
{
    /// <summary>The value that means standard output.</summary>
    public const string StandardOutput = "-";

    private readonly List<(string Display, string Resolved, (ulong, ulong)? Identity)> _inputs = [];
    private readonly List<Declared> _outputs = [];

    /// <summary>Creates the policy for a command that reads <paramref name="inputs"/>.</summary>
    /// <param name="inputs">Files and folders the command reads; paths that do not exist are ignored (they name nothing to protect).</param>
    public OutputPolicy(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs)
        {
            if (string.IsNullOrEmpty(input) || FileKinds.Of(Path.GetFullPath(input)) == FileKind.Missing)
            {
                continue;
            }

            var full = Path.GetFullPath(input);
            _inputs.Add((input, RealPath.Of(full), FileKinds.Identity(full)));
        }
    }

    /// <summary>Checks an option that writes one file.</summary>
    /// <param name="option">The option, e.g. <c>--json</c>, used in messages.</param>
    /// <param name="path">Its value.</param>
    /// <param name="allowStandardOutput">Whether <c>-</c> means standard output; otherwise <c>-</c> is refused (never a file named <c>-</c>).</param>
    /// <param name="allowDevice">Whether a device or FIFO is accepted; false for options that write companion files beside the path.</param>
    /// <returns>The checked target.</returns>
    /// <exception cref="OutputPathException">The path breaks a rule; the message says which.</exception>
    public OutputTarget CheckFile(string option, string path, bool allowStandardOutput = false, bool allowDevice = true)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            throw Refuse(option, path, "an empty path");
        }

        if (path == StandardOutput)
        {
            return allowStandardOutput
                ? new OutputTarget(option, path, OutputKind.StandardOutput)
                : throw new OutputPathException($"{option} -: this option writes several files, so it cannot go to standard output; give a file path.");
        }

        if (Path.EndsInDirectorySeparator(path))
        {
            throw Refuse(option, path, "names a folder; expected a file");
        }

        var full = Path.GetFullPath(path);
        var kind = FileKinds.Of(full);
        if (kind == FileKind.Directory)
        {
            throw Refuse(option, path, "is a folder; expected a file");
        }

        if (kind == FileKind.Special && !allowDevice)
        {
            throw Refuse(option, path, "is a device or FIFO, but this option also writes files beside it; give a regular file path");
        }

        if (kind == FileKind.Special)
        {
            RequireHarmlessDevice(option, path, full);
        }

        var resolved = RealPath.Of(full);
        if (kind != FileKind.Special)
        {
            RequireWritableFolder(option, path, Path.GetDirectoryName(resolved)!, Path.GetDirectoryName(path));
        }

        RequireNotAnInput(option, path, resolved, kind == FileKind.Missing ? null : FileKinds.Identity(full));
        RequireNoOtherOutput(option, path, resolved, produces: null);
        _outputs.Add(new Declared(option, path, resolved, IsFolder: false, Produces: null));
        return new OutputTarget(option, path, kind == FileKind.Special ? OutputKind.Device : OutputKind.File);
    }

    /// <summary>Checks an option that names a folder to write several files into (created when missing).</summary>
    /// <param name="option">The option, e.g. <c>--out</c>.</param>
    /// <param name="path">Its value.</param>
    /// <param name="fileNames">The names the command writes there when known in advance; each must not be an existing folder.</param>
    /// <param name="produces">Whether the command may write a file of this name there (for numbered files); defaults to membership in <paramref name="fileNames"/>.</param>
    /// <returns>The checked target.</returns>
    /// <exception cref="OutputPathException">The path breaks a rule; the message says which.</exception>
    public OutputTarget CheckFolder(string option, string path, IReadOnlyCollection<string> fileNames, Func<string, bool>? produces = null)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fileNames);
        if (path.Length == 0)
        {
            throw Refuse(option, path, "an empty path");
        }

        if (path == StandardOutput)
        {
            throw new OutputPathException($"{option} -: this option names a folder for several files, so it cannot go to standard output; give a folder path.");
        }

        var full = Path.GetFullPath(path);
        var kind = FileKinds.Of(full);
        var resolved = RealPath.Of(full);
        switch (kind)
        {
            case FileKind.Regular or FileKind.Special:
                throw Refuse(option, path, "is a file; expected a folder");
            case FileKind.Missing:
                RequireWritableFolder(option, path, Path.GetDirectoryName(resolved)!, Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)));
                break;
            default:
                RequireWritableFolder(option, path, resolved, path);
                foreach (var name in fileNames)
                {
                    if (FileKinds.Of(Path.Combine(resolved, name)) == FileKind.Directory)
                    {
                        throw Refuse(option, path, $"{name} in it is a folder, where a file is to be written");
                    }
                }

                break;
        }

        var writes = produces ?? (name => fileNames.Contains(name, StringComparer.Ordinal));
        foreach (var input in _inputs)
        {
            if (RealPath.IsSameOrInside(resolved, input.Resolved))
            {
                throw Refuse(option, path, $"is inside the input {input.Display}; write outputs elsewhere");
            }

            if (IsIn(input.Resolved, resolved) && writes(Path.GetFileName(input.Resolved)))
            {
                throw Refuse(option, path, $"would overwrite the input {input.Display}");
            }
        }

        RequireNoOtherOutput(option, path, resolved, writes);
        _outputs.Add(new Declared(option, path, resolved, IsFolder: true, Produces: writes));
        return new OutputTarget(option, path, OutputKind.Folder);
    }

    // Memory-device numbers of Linux (drivers/char/mem.c): /dev/mem 1:1, /dev/kmem 1:2, /dev/port 1:4
    // reach physical memory and I/O ports; /dev/full 1:7 refuses every write with ENOSPC.
    private const uint MemoryMajor = 1;
    private const uint FullMinor = 7;
    private static readonly uint[] RawMemoryMinors = [1, 2, 4];

    // A report written "through" a disk or /dev/mem would destroy it (root may write either), so only
    // sinks are accepted: FIFOs, sockets, terminals, /dev/null and the like. /dev/full is refused here,
    // before the run, because it is known to fail every write.
    private static void RequireHarmlessDevice(string option, string path, string full)
    {
        if (FileKinds.DeviceNumbers(full) is not { } device)
        {
            return;
        }

        if (device.Block)
        {
            throw Refuse(option, path, "is a block device (a disk); refusing to write over it");
        }

        if (device.Major == MemoryMajor && RawMemoryMinors.Contains(device.Minor))
        {
            throw Refuse(option, path, "is a memory device; refusing to write to it");
        }

        if (device.Major == MemoryMajor && device.Minor == FullMinor)
        {
            throw Refuse(option, path, "cannot write: No space left on device (the device is always full)");
        }
    }

    private static OutputPathException Refuse(string option, string path, string why) => new($"{option} {path}: {why}.");

    // Writes land in the folder as a new file (a temporary renamed into place), so the folder, not
    // the old file, must accept writes. Creating a file is the only honest test: root passes every
    // permission check, yet a read-only mount (EROFS) or /proc still refuses.
    // Messages name the folder as the user wrote it (/proc/self, not /proc/4242) when the path has one.
    private static void RequireWritableFolder(string option, string path, string folder, string? shown)
    {
        var name = string.IsNullOrEmpty(shown) ? folder : shown;
        switch (FileKinds.Of(folder))
        {
            case FileKind.Missing:
                throw Refuse(option, path, $"the folder {name} does not exist");
            case FileKind.Regular or FileKind.Special:
                throw Refuse(option, path, $"{name} is not a folder");
        }

        var probe = Path.Combine(folder, ".gauntlet-probe-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException($"{option} {path}: cannot write in {name}: {OutputWriteException.ReasonOf(ex)}.", ex);
        }

        // A full disk still lets a probe create an empty file (an inode, no block), so ask for the free
        // space too: any non-empty file needs at least one block. A disk that fills up during the run
        // is caught at write time instead, and nothing is left of the run's files.
        if (FreeBytes(folder) is < MinimumFreeBytes)
        {
            throw Refuse(option, path, $"the disk holding {name} is full (No space left on device)");
        }
    }

    private const long MinimumFreeBytes = 4096;

    private static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null; // unknown: the write itself will tell
        }
    }

    private void RequireNotAnInput(string option, string path, string resolved, (ulong, ulong)? identity)
    {
        foreach (var input in _inputs)
        {
            if (string.Equals(resolved, input.Resolved, StringComparison.Ordinal) || (identity is { } id && input.Identity == id))
            {
                throw Refuse(option, path, $"would overwrite the input {input.Display}");
            }

            if (RealPath.IsSameOrInside(resolved, input.Resolved))
            {
                throw Refuse(option, path, $"is inside the input {input.Display}; write outputs elsewhere");
            }
        }
    }

    // Two outputs of one run must not land on the same file: the later would silently replace the earlier.
    private void RequireNoOtherOutput(string option, string path, string resolved, Func<string, bool>? produces)
    {
        foreach (var other in _outputs)
        {
            var clash = string.Equals(resolved, other.Resolved, StringComparison.Ordinal)
                || (other.Produces is { } theirs && IsIn(resolved, other.Resolved) && theirs(Path.GetFileName(resolved)))
                || (produces is not null && IsIn(other.Resolved, resolved) && produces(Path.GetFileName(other.Resolved)));
            if (clash)
            {
                throw Refuse(option, path, $"is also written by {other.Option} {other.Path}");
            }
        }
    }

    private static bool IsIn(string file, string folder) => string.Equals(Path.GetDirectoryName(file), folder, StringComparison.Ordinal);

    private sealed record Declared(string Option, string Path, string Resolved, bool IsFolder, Func<string, bool>? Produces);
}
