namespace Gauntlet.Llm.Targets;

/// <summary>Reads the <c>data:</c> payloads of a server-sent-events body (the <c>text/event-stream</c> format).</summary>
public static class ServerSentEvents
{
    /// <summary>The data of each event, in order; multi-line data is joined with <c>\n</c>, comments and other fields are skipped.</summary>
    /// <param name="body">The whole body.</param>
    /// <returns>The payloads.</returns>
    public static IReadOnlyList<string> DataPayloads(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var payloads = new List<string>();
        var current = new List<string>();
        foreach (var raw in body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
        {
            if (raw.Length == 0)
            {
                Flush();
                continue;
            }

            if (raw.StartsWith("data:", StringComparison.Ordinal))
            {
                var value = raw[5..];
                current.Add(value.StartsWith(' ') ? value[1..] : value);
            }
        }

        Flush();
        return payloads;

        void Flush()
        {
            if (current.Count > 0)
            {
                payloads.Add(string.Join('\n', current));
                current.Clear();
            }
        }
    }
}
