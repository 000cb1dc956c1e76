namespace Gauntlet.Defenses.Adaptive;

/// <summary>Robust accuracy of one defense at one budget, plain and adaptive.</summary>
/// <param name="Norm">The threat's norm (<c>linf</c> or <c>l2</c>).</param>
/// <param name="Epsilon">The budget ε.</param>
/// <param name="Undefended">Robust accuracy of the model without the defense.</param>
/// <param name="Plain">Robust accuracy of the defended model against attacks that differentiate through the defense.</param>
/// <param name="Adaptive">Robust accuracy against BPDA (and EOT for a randomised defense).</param>
/// <param name="Reported">Per-sample worst case of plain and adaptive: a sample counts only if it survives both.</param>
public sealed record ThreatResult(string Norm, float Epsilon, double Undefended, double Plain, double Adaptive, double Reported)
{
    /// <summary>Robust accuracy the defense adds over the undefended model, by the reported (worse) figure.</summary>
    public double Gain => Reported - Undefended;

    /// <summary>How much the plain attack overstates the defense (plain − reported).</summary>
    public double Overstatement => Plain - Reported;
}
