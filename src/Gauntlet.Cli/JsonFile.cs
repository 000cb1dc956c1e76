using System.Text.Json;
using Gauntlet.Core.IO;

namespace Gauntlet.Cli;

/// <summary>The JSON the commands write: indented, UTF-8 without a byte-order mark.</summary>
/// <remarks>Commands write through <see cref="CommandOutputs"/>, which checks the path first and commits all of a run's files together.</remarks>
internal static class JsonFile
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    /// <summary>The document as indented JSON.</summary>
    public static string Serialize(object document) => JsonSerializer.Serialize(document, s_options);

    /// <summary>Writes one document atomically (<see cref="AtomicFile"/>); the folder must exist.</summary>
    public static void Write(string path, object document)
    {
        try
        {
            AtomicFile.WriteAllText(path, Serialize(document));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write {path}: {OutputWriteException.ReasonOf(ex)}", ex);
        }
    }
}
