using System.Globalization;
using System.Text.Json.Nodes;

namespace Gauntlet.Llm.Targets;

/// <summary>
/// The small JSON path a REST target needs to find its reply: <c>$.choices[0].message.content</c>,
/// <c>output.text</c>, <c>$['data'][0]</c>. Names, array indexes and quoted names; no wildcards or filters.
/// </summary>
public sealed class JsonPathLite
{
    private readonly IReadOnlyList<object> _steps;

    /// <summary>Parses a path.</summary>
    /// <param name="path">The path.</param>
    /// <exception cref="FormatException">The path is not of the supported form.</exception>
    public JsonPathLite(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Text = path;
        var steps = new List<object>();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FormatException($"JSON path '{path}': '[' without ']'");
                }

                var inner = path[(i + 1)..close].Trim();
                if (inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[^1] == inner[0])
                {
                    steps.Add(inner[1..^1]);
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(index);
                }
                else
                {
                    throw new FormatException($"JSON path '{path}': '[{inner}]' is neither an index nor a quoted name");
                }

                i = close + 1;
                continue;
            }

            var end = i;
            while (end < path.Length && path[end] != '.' && path[end] != '[')
            {
                end++;
            }

            steps.Add(path[i..end]);
            i = end;
        }

        if (steps.Count == 0)
        {
            throw new FormatException($"JSON path '{path}' names nothing");
        }

        _steps = steps;
    }

    /// <summary>The path as given.</summary>
    public string Text { get; }

    /// <summary>The node the path leads to, or null when a step is missing.</summary>
    /// <param name="root">The document.</param>
    /// <returns>The node, or null.</returns>
    public JsonNode? Select(JsonNode? root)
    {
        var node = root;
        foreach (var step in _steps)
        {
            node = (step, node) switch
            {
                (int index, JsonArray array) when index < array.Count => array[index],
                (string name, JsonObject obj) when obj.TryGetPropertyValue(name, out var child) => child,
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }
}
