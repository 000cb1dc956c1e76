using System.Globalization;

namespace Gauntlet.Governance.Registry;

/// <summary>
/// <c>NAME@VERSION</c>, <c>NAME@ALIAS</c> or <c>NAME</c> (the latest version), as the CLI takes them.
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version number, when given as a number.</param>
/// <param name="Alias">The alias, when given as a name.</param>
public sealed record ModelReference(string Name, long? Version, string? Alias)
{
    /// <summary>Parses a reference.</summary>
    /// <exception cref="ArgumentException">The text is empty or has an empty part.</exception>
    public static ModelReference Parse(string text)
    {
        var at = text.LastIndexOf('@');
        var name = at < 0 ? text : text[..at];
        var tail = at < 0 ? null : text[(at + 1)..];
        if (name.Length == 0 || tail is { Length: 0 })
        {
            throw new ArgumentException($"'{text}': expected MODEL, MODEL@VERSION or MODEL@ALIAS");
        }

        if (tail is null)
        {
            return new ModelReference(name, null, null);
        }

        return long.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? new ModelReference(name, version, null)
            : new ModelReference(name, null, tail);
    }

    /// <inheritdoc />
    public override string ToString() => Name + (Version is { } v ? "@" + v.ToString(CultureInfo.InvariantCulture) : Alias is { } a ? "@" + a : "");
}
