namespace Gauntlet.Core.IO;

/// <summary>
/// The path a file system access really lands on: every symbolic link along the way resolved, in
/// folders as well as in the last component, like <c>realpath(3)</c>, except that the missing tail
/// of a path (a file not yet written) is kept as it is rather than rejected. One resolver for the
/// output policy (where outputs land) and the scanner (loop detection, links leaving the root).
/// </summary>
public static class RealPath
{
    // Linux gives up after 40 links (ELOOP); so does this.
    private const int MaxLinks = 40;

    /// <summary>The resolved, absolute form of <paramref name="path"/>.</summary>
    /// <param name="path">Any path, relative to the working folder or absolute.</param>
    /// <returns>The absolute path with every link resolved; a missing tail is kept as written.</returns>
    /// <exception cref="IOException">A chain of more than 40 links (a loop).</exception>
    public static string Of(string path)
    {
        // Not Path.GetFullPath: it folds '..' by the text, but the kernel takes '..' from wherever a
        // link before it points ('link/../x'), so '..' is applied only once the folder is resolved.
        var full = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Components(full[root.Length..]).Reverse());
        var current = root;
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            if (part == ".")
            {
                continue;
            }

            var next = Path.Combine(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                target = null; // unreadable (a folder we may not list): taken as it is
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"{path}: too many levels of symbolic links");
            }

            // A link's target is relative to the folder holding the link; restart from its root.
            var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            var resolvedRoot = Path.GetPathRoot(resolved)!;
            foreach (var component in Components(resolved[resolvedRoot.Length..]).Reverse())
            {
                pending.Push(component);
            }

            current = resolvedRoot;
        }

        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies under it (both already resolved).</summary>
    /// <param name="path">A resolved path.</param>
    /// <param name="folder">A resolved folder.</param>
    /// <returns>True when <paramref name="path"/> equals <paramref name="folder"/> or starts with it followed by a separator.</returns>
    public static bool IsSameOrInside(string path, string folder)
    {
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (string.Equals(path, folder, comparison))
        {
            return true;
        }

        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison);
    }

    private static string[] Components(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
