using Gauntlet.Attacks;

namespace Gauntlet.Fairness;

/// <summary>Attack success in one group.</summary>
/// <param name="Group">The protected attribute's value.</param>
/// <param name="Attacked">Samples of the group the attack ran on.</param>
/// <param name="Succeeded">Of those, how many the attack flipped.</param>
public sealed record GroupAttackRate(string Group, int Attacked, int Succeeded)
{
    /// <summary>Succeeded / Attacked (NaN for an empty group).</summary>
    public double SuccessRate => Attacked == 0 ? double.NaN : Succeeded / (double)Attacked;
}

/// <summary>Per-group robustness: does an attack succeed more often on one group?</summary>
/// <param name="Attack">The attack's name.</param>
/// <param name="Groups">Per-group success.</param>
/// <param name="Gap">Largest minus smallest success rate.</param>
/// <param name="MostAffectedGroup">The group the attack succeeds on most.</param>
public sealed record GroupRobustnessResult(string Attack, IReadOnlyList<GroupAttackRate> Groups, double Gap, string MostAffectedGroup);

/// <summary>Splits an attack's per-sample success by the protected attribute.</summary>
public static class GroupRobustness
{
    /// <summary>Per-group success of <paramref name="result"/>, whose samples are in the order of <paramref name="groups"/>.</summary>
    /// <param name="result">An attack result (one entry per attacked sample).</param>
    /// <param name="groups">The protected attribute of each attacked sample.</param>
    /// <returns>The per-group rates and the gap.</returns>
    /// <exception cref="ArgumentException">The group count differs from the attacked samples.</exception>
    public static GroupRobustnessResult Compute(AttackResult result, string[] groups)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Compute(result.Attack, result.Success, groups);
    }

    /// <summary>Per-group success from per-sample outcomes.</summary>
    /// <param name="attack">The attack's name.</param>
    /// <param name="success">Whether the attack succeeded on each sample.</param>
    /// <param name="groups">The protected attribute of each sample.</param>
    /// <returns>The per-group rates and the gap.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length or are empty.</exception>
    public static GroupRobustnessResult Compute(string attack, bool[] success, string[] groups)
    {
        ArgumentNullException.ThrowIfNull(success);
        ArgumentNullException.ThrowIfNull(groups);
        if (success.Length != groups.Length || success.Length == 0)
        {
            throw new ArgumentException($"group robustness: {success.Length} attack outcomes and {groups.Length} group values; expected the same non-zero number.");
        }

        var rows = FairnessMetrics.Distinct(groups)
            .Select(g => new GroupAttackRate(g, groups.Count(x => x == g), Enumerable.Range(0, groups.Length).Count(i => groups[i] == g && success[i])))
            .ToList();
        var most = rows.MaxBy(r => r.SuccessRate)!;
        return new GroupRobustnessResult(attack, rows, most.SuccessRate - rows.Min(r => r.SuccessRate), most.Group);
    }
}
