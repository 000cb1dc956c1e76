using System.Text;

namespace Gauntlet.Governance.Log;

/// <summary>The log's signed tree heads, one JSON line each, appended and fsynced (<c>checkpoints.jsonl</c>).</summary>
internal static class CheckpointFile
{
    /// <summary>Appends <paramref name="head"/> as one line and makes it durable.</summary>
    public static void Append(string path, SignedTreeHead head)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(head.ToJson() + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every head in the file, oldest first; none when there is no file.</summary>
    /// <exception cref="InvalidDataException">A line is not a signed tree head (the message names it).</exception>
    public static List<SignedTreeHead> ReadAll(string path)
    {
        var heads = new List<SignedTreeHead>();
        if (!File.Exists(path))
        {
            return heads;
        }

        var text = File.ReadAllText(path, Encoding.UTF8);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new InvalidDataException($"{path}: the last checkpoint line is incomplete");
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            try
            {
                var head = SignedTreeHead.Parse(lines[i]);
                if (head.ToJson() != lines[i])
                {
                    // Base64 and JSON have spellings that decode alike (padding bits, escapes): only
                    // the canonical line is accepted, so that no byte of the file goes unchecked.
                    throw new InvalidDataException("not in the canonical form the log writes");
                }

                heads.Add(head);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"{path}: line {i + 1}: {ex.Message}", ex);
            }
        }

        return heads;
    }
}
