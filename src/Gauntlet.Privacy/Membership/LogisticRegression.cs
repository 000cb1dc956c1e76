namespace Gauntlet.Privacy.Membership;

/// <summary>
/// Binary logistic regression for the shadow-model attack's attack models: features standardised
/// by the training set's mean and deviation, weights fitted by full-batch gradient descent on the
/// mean log loss plus <c>λ/2 ‖w‖²</c> (λ = 10⁻³, bias not penalised), starting from zero so the
/// fit is deterministic. A dozen features and a few thousand rows need nothing heavier, and no
/// served package fits a model this small without pulling in a framework.
/// </summary>
internal sealed class LogisticRegression
{
    private const double Lambda = 1e-3;
    private const double StepSize = 0.5;
    private const int Iterations = 400;
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _weights;
    private readonly double _bias;

    private LogisticRegression(double[] mean, double[] scale, double[] weights, double bias)
    {
        _mean = mean;
        _scale = scale;
        _weights = weights;
        _bias = bias;
    }

    /// <summary>Fits rows <paramref name="x"/> to 0/1 <paramref name="y"/>.</summary>
    public static LogisticRegression Fit(IReadOnlyList<double[]> x, IReadOnlyList<bool> y)
    {
        var n = x.Count;
        var d = x[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        for (var j = 0; j < d; j++)
        {
            mean[j] = x.Average(r => r[j]);
            var sd = Math.Sqrt(x.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])));
            scale[j] = sd > 1e-12 ? sd : 1;
        }

        var z = x.Select(r => r.Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToArray();
        var w = new double[d];
        double b = 0;
        var gw = new double[d];
        for (var it = 0; it < Iterations; it++)
        {
            Array.Clear(gw);
            double gb = 0;
            for (var i = 0; i < n; i++)
            {
                var err = Sigmoid(Dot(w, z[i]) + b) - (y[i] ? 1 : 0);
                for (var j = 0; j < d; j++)
                {
                    gw[j] += err * z[i][j];
                }

                gb += err;
            }

            for (var j = 0; j < d; j++)
            {
                w[j] -= StepSize * ((gw[j] / n) + (Lambda * w[j]));
            }

            b -= StepSize * gb / n;
        }

        return new LogisticRegression(mean, scale, w, b);
    }

    /// <summary>P(y = 1 | row).</summary>
    public double Probability(double[] row)
    {
        double s = _bias;
        for (var j = 0; j < row.Length; j++)
        {
            s += _weights[j] * (row[j] - _mean[j]) / _scale[j];
        }

        return Sigmoid(s);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var j = 0; j < a.Length; j++)
        {
            s += a[j] * b[j];
        }

        return s;
    }

    private static double Sigmoid(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));
}
