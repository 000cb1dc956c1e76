using Gauntlet.Core.Metrics;

namespace Gauntlet.Privacy.Membership;

/// <summary>What a membership-inference attack made of the candidates: one score per image (higher = member) and the ROC figures.</summary>
public sealed class MembershipResult
{
    /// <summary>Wraps the scores of an attack run.</summary>
    /// <param name="attack">The attack's name, e.g. <c>loss-threshold</c>.</param>
    /// <param name="parameters">The attack's parameters as reported (shadow count, seed, …).</param>
    /// <param name="memberScores">Scores of the members, in input order.</param>
    /// <param name="nonMemberScores">Scores of the non-members, in input order.</param>
    public MembershipResult(string attack, IReadOnlyDictionary<string, object> parameters, double[] memberScores, double[] nonMemberScores)
    {
        Attack = attack;
        Parameters = parameters;
        MemberScores = memberScores;
        NonMemberScores = nonMemberScores;
        Roc = RocCurve.FromScores(memberScores, nonMemberScores);
    }

    /// <summary>The attack's name.</summary>
    public string Attack { get; }

    /// <summary>The attack's parameters.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>Member scores.</summary>
    public double[] MemberScores { get; }

    /// <summary>Non-member scores.</summary>
    public double[] NonMemberScores { get; }

    /// <summary>The ROC curve of the scores.</summary>
    public RocCurve Roc { get; }

    /// <summary><see cref="RocCurve.Auc"/>.</summary>
    public double Auc => Roc.Auc();

    /// <summary>TPR at 0.1% FPR (<see cref="RocCurve.TprAtFpr"/>).</summary>
    public double TprAt01PctFpr => Roc.TprAtFpr(0.001);

    /// <summary>TPR at 1% FPR (<see cref="RocCurve.TprAtFpr"/>).</summary>
    public double TprAt1PctFpr => Roc.TprAtFpr(0.01);

    /// <summary><see cref="RocCurve.BestBalancedAccuracy"/>.</summary>
    public double BalancedAccuracy => Roc.BestBalancedAccuracy();
}
