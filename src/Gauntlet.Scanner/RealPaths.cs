using Gauntlet.Core.IO;

namespace Gauntlet.Scanner;

/// <summary>How resolving a path to its real location went.</summary>
internal enum Resolution
{
    /// <summary>Every link was followed to something that exists.</summary>
    Resolved,

    /// <summary>A link in the chain points at nothing (a dangling link).</summary>
    Dangling,

    /// <summary>Links point at each other (ELOOP): the chain never ends.</summary>
    Loop,

    /// <summary>Any other failure (permissions, I/O).</summary>
    Failed,
}

/// <summary>
/// The canonical location of a path with every symbolic link resolved, in every component and not
/// only the last one (Core's <see cref="RealPath"/>), classified for the folder walk: two names of
/// one folder resolve to the same string, which is what loop detection and the "inside the scanned
/// root" test (<see cref="RealPath.IsSameOrInside"/>) compare.
/// </summary>
internal static class RealPaths
{
    /// <summary>Resolves <paramref name="path"/>; <paramref name="real"/> is the canonical path when the result is <see cref="Resolution.Resolved"/>.</summary>
    public static Resolution Resolve(string path, out string real)
    {
        real = string.Empty;
        string resolved;
        try
        {
            resolved = RealPath.Of(path);
        }
        catch (PathTooLongException)
        {
            return Resolution.Failed;
        }
        catch (IOException)
        {
            return Resolution.Loop; // RealPath.Of throws it for a chain of more than 40 links, as ELOOP
        }
        catch (UnauthorizedAccessException)
        {
            return Resolution.Failed;
        }

        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            return Resolution.Dangling; // a link (or the path itself) points at nothing
        }

        real = resolved;
        return Resolution.Resolved;
    }
}
