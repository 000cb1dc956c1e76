using System.Text;
using Gauntlet.Attacks.BlackBox;
using Gauntlet.Attacks.Evasion;
using Gauntlet.Attacks.Universal;

namespace Gauntlet.Attacks.Registry;

/// <summary>
/// The one list of attacks. A new attack is one file (the attack, with its static
/// <see cref="AttackDescriptor"/>) plus one line in <see cref="All"/>; the CLI, the audit, adversarial
/// training and the docs table pick it up from here. Lookups never fall back to a default attack:
/// an unknown name is an error listing the valid ones.
/// </summary>
public static class AttackRegistry
{
    static AttackRegistry()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in All.SelectMany(d => d.Aliases.Prepend(d.Name)))
        {
            if (!seen.Add(name))
            {
                throw new InvalidOperationException($"attack registry: the name '{name}' is registered twice.");
            }
        }
    }

    /// <summary>Every registered attack, in the order tables list them.</summary>
    public static IReadOnlyList<AttackDescriptor> All { get; } =
    [
        Fgsm.Descriptor,
        RFgsm.Descriptor,
        Bim.Descriptor,
        Pgd.Descriptor,
        MiFgsm.Descriptor,
        DeepFool.Descriptor,
        CarliniWagnerL2.Descriptor,
        Apgd.CrossEntropyDescriptor,
        Apgd.DlrDescriptor,
        Apgd.TargetedDescriptor,
        AttackSequence.AutoAttackDescriptor,
        SquareAttack.Descriptor,
        HopSkipJump.Descriptor,
        Tabular.LowProFool.Descriptor,
        Tabular.TabularBoundary.Descriptor,
        RandomNoise.GaussianDescriptor,
        RandomNoise.UniformDescriptor,
        RandomNoise.SaltAndPepperDescriptor,
        SpatialTransform.Descriptor,
        AdversarialPatch.Descriptor,
    ];

    /// <summary>The canonical names, in registry order.</summary>
    public static IReadOnlyList<string> Names => [.. All.Select(d => d.Name)];

    /// <summary>Every name and alias that <see cref="Find"/> accepts.</summary>
    public static IReadOnlyList<string> NamesAndAliases => [.. All.SelectMany(d => d.Aliases.Prepend(d.Name))];

    /// <summary>The attack called <paramref name="name"/> (or with that alias), or null.</summary>
    public static AttackDescriptor? TryFind(string name) =>
        All.FirstOrDefault(d => d.Name == name || d.Aliases.Contains(name));

    /// <summary>The attack called <paramref name="name"/> (or with that alias).</summary>
    /// <exception cref="ArgumentException">No attack has that name; the message lists the valid names.</exception>
    public static AttackDescriptor Find(string name) => TryFind(name)
        ?? throw new ArgumentException($"unknown attack '{name}'; expected one of {string.Join(", ", Names)} (aliases: {string.Join(", ", All.SelectMany(d => d.Aliases))}).", nameof(name));

    /// <summary>Finds the attack and builds it from validated settings.</summary>
    /// <exception cref="ArgumentException">Unknown name, or a setting is invalid (see <see cref="AttackDescriptor.Resolve"/>).</exception>
    /// <exception cref="NotSupportedException">The attack is not an evasion attack.</exception>
    public static EvasionAttack Create(string name, AttackSettings settings) => Find(name).Create(settings);

    /// <summary>
    /// The attack table of docs/attacks.md, rendered from the registry (a test keeps the docs equal
    /// to it): one row per attack with its aliases, kind, norms, targeted support, parameters
    /// (default and range), cost rank, description and citation.
    /// </summary>
    public static string MarkdownTable()
    {
        var text = new StringBuilder();
        text.Append("| attack | kind | norms | targeted | parameters: default (range) | cost | what it does |\n");
        text.Append("| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var d in All)
        {
            var name = d.Aliases.Count == 0 ? $"`{d.Name}`" : $"`{d.Name}` ({string.Join(", ", d.Aliases.Select(a => $"`{a}`"))})";
            var norms = d.Norms.Count == 0 ? "—" : string.Join(", ", d.Norms.Select(n => n == Norm.Linf ? "L∞" : n.ToString()));
            var parameters = d.Parameters.Count == 0
                ? "—"
                : string.Join("; ", d.Parameters.Select(p => $"`{p.Name}` {p.DefaultText} ({p.RangeText}): {p.Description}"));
            var evasion = d.IsEvasion ? "" : " Not an evasion attack: no per-batch factory.";
            text.Append($"| {name} | {AttackDescriptor.KindName(d.Kind)} | {norms} | {(d.SupportsTargeted ? "yes" : "no")} | {Escape(parameters)} | {d.CostRank} | {Escape(d.Description)}{evasion}{(d.Citation.Length == 0 ? "" : $" {d.Citation}.")} |\n");
        }

        return text.ToString();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
