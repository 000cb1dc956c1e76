using System.Text.Json;

namespace Gauntlet.Cli;

/// <summary>Writes JSON reports atomically: to a temporary file, then renamed into place.</summary>
internal static class JsonFile
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    public static void Write(string path, object document)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        try
        {
            File.WriteAllText(temp, JsonSerializer.Serialize(document, s_options));
            File.Move(temp, path, overwrite: true);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new UserInputException($"cannot write {path}: its folder does not exist.", ex);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
