using MathNet.Numerics;

namespace Gauntlet.Privacy.Accounting;

/// <summary>Sums, differences and tails kept in log space, where the RDP sums would overflow.</summary>
internal static class LogMath
{
    /// <summary><c>log(exp(x) + exp(y))</c>; −∞ stands for 0.</summary>
    public static double Add(double logX, double logY)
    {
        var (a, b) = logX < logY ? (logX, logY) : (logY, logX);
        return double.IsNegativeInfinity(a) ? b : Math.Log(1 + Math.Exp(a - b)) + b;
    }

    /// <summary><c>log(exp(x) − exp(y))</c> for <c>x ≥ y</c>; −∞ stands for 0.</summary>
    /// <exception cref="ArgumentException">x &lt; y: the difference would be negative.</exception>
    public static double Subtract(double logX, double logY)
    {
        if (logX < logY)
        {
            throw new ArgumentException($"log-space subtraction of a larger number ({logY} > {logX}).", nameof(logY));
        }

        if (double.IsNegativeInfinity(logY))
        {
            return logX;
        }

        if (logX == logY)
        {
            return double.NegativeInfinity;
        }

        // exp(x) − exp(y) = (exp(x − y) − 1)·exp(y); past double range the −1 no longer matters.
        var d = logX - logY;
        return d > 700 ? logX : Math.Log(SpecialFunctions.Expm1(d)) + logY;
    }

    /// <summary><c>log(erfc(x))</c>, accurate where erfc underflows (x above ~26).</summary>
    /// <remarks>
    /// Below 25 the value is <c>log(erfc x)</c> directly; above, the asymptotic series
    /// <c>erfc x = e^(−x²)/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶))</c>, whose next term is below 1e-11 there.
    /// </remarks>
    public static double Erfc(double x)
    {
        if (x < 25)
        {
            return Math.Log(SpecialFunctions.Erfc(x));
        }

        var inv2 = 1 / (x * x);
        var series = 1 - (0.5 * inv2) + (0.75 * inv2 * inv2) - (1.875 * inv2 * inv2 * inv2);
        return (-x * x) - Math.Log(x * Math.Sqrt(Math.PI)) + Math.Log(series);
    }
}
