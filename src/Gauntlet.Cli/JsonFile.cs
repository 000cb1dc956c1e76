using System.Text.Json;
using Gauntlet.Core.IO;

namespace Gauntlet.Cli;

/// <summary>Writes JSON reports atomically (<see cref="AtomicFile"/>: a temporary file renamed into place), creating the folder.</summary>
internal static class JsonFile
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    public static void Write(string path, object document)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        try
        {
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(document, s_options));
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new UserInputException($"cannot write {path}: its folder does not exist.", ex);
        }
    }
}
