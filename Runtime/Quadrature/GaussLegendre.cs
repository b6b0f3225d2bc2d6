using System;

namespace DerivSpec.Runtime.Quadrature;

/// <summary>
/// Gauss–Legendre nodes and weights on [-1, 1] of any order 1..<see cref="MaxOrder"/> (the checker's limit too), computed in double precision by Newton's method
/// on the Legendre polynomial P_n (three-term recurrence), starting from Tricomi's approximation of the roots.
/// The rule integrates polynomials of degree up to 2n−1 exactly.
/// </summary>
public sealed class GaussLegendre
{
    /// <summary>The largest supported order: <see cref="DspecLimits.MaxQuadratureOrder"/>, the limit the .dspec checker enforces.</summary>
    public const int MaxOrder = DspecLimits.MaxQuadratureOrder;

    /// <summary>Order n (number of nodes).</summary>
    public int Order { get; }

    /// <summary>Nodes u_i in ascending order.</summary>
    public double[] Nodes { get; }

    /// <summary>Weights w_i matching <see cref="Nodes"/>; they sum to 2.</summary>
    public double[] Weights { get; }

    private GaussLegendre(int order, double[] nodes, double[] weights)
    {
        Order = order;
        Nodes = nodes;
        Weights = weights;
    }

    /// <summary>Computes the rule of order <paramref name="n"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n is outside 1..<see cref="MaxOrder"/>.</exception>
    public static GaussLegendre Create(int n)
    {
        if (n < 1 || n > MaxOrder)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"Gauss–Legendre order must be between 1 and {MaxOrder}.");
        var x = new double[n];
        var w = new double[n];
        int half = (n + 1) / 2;
        for (int i = 0; i < half; i++)
        {
            // Tricomi's initial guess for the (i+1)-th largest root.
            double k = i + 1;
            double t = Math.Cos(Math.PI * (k - 0.25) / (n + 0.5));
            double guess = (1.0 - (n - 1.0) / (8.0 * n * n * n)) * t;
            double root = guess, dp = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                (double p, double d) = Legendre(n, root);
                dp = d;
                double step = p / d;
                root -= step;
                if (Math.Abs(step) <= 1e-16 * Math.Max(1.0, Math.Abs(root))) break;
            }
            dp = Legendre(n, root).Derivative;
            double weight = 2.0 / ((1.0 - root * root) * dp * dp);
            // Symmetric placement, ascending order.
            x[n - 1 - i] = root;
            x[i] = -root;
            w[n - 1 - i] = weight;
            w[i] = weight;
        }
        if (n % 2 == 1) x[n / 2] = 0.0;
        return new GaussLegendre(n, x, w);
    }

    /// <summary>P_n(x) and P_n'(x) by the three-term recurrence.</summary>
    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double p0 = 1.0, p1 = x;
        if (n == 0) return (1.0, 0.0);
        for (int k = 2; k <= n; k++)
        {
            double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        double d = n * (x * p1 - p0) / (x * x - 1.0);
        return (p1, d);
    }

    /// <summary>∫_a^b f(x) dx by this rule (double precision, for checks and host-side use).</summary>
    public double Integrate(Func<double, double> f, double a, double b)
    {
        double half = 0.5 * (b - a), mid = 0.5 * (a + b), s = 0;
        for (int i = 0; i < Order; i++) s += Weights[i] * f(mid + half * Nodes[i]);
        return half * s;
    }
}
