namespace Gauntlet.Core.IO;

/// <summary>
/// The path a file system access really lands on: every symbolic link along the way resolved, in
/// folders as well as in the last component, like <c>realpath(3)</c>, except that the missing tail
/// of a path (a file not yet written) is kept as it is rather than rejected.
/// </summary>
internal static class RealPath
{
    // Linux gives up after 40 links (ELOOP); so does this.
    private const int MaxLinks = 40;

    /// <summary>The resolved, absolute form of <paramref name="path"/>.</summary>
    /// <exception cref="IOException">A chain of more than 40 links (a loop).</exception>
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
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
            var resolved = Path.GetFullPath(target, current);
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
