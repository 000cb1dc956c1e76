#!/usr/bin/python3
"""Reference values for Gauntlet's randomized-smoothing statistics, computed with SciPy and statsmodels.

Writes tests/Gauntlet.Defenses.Tests/Certification/Fixtures/smoothing_statistics.json:
  beta_ppf       scipy.stats.beta.ppf(p, a, b)
  beta_cdf       scipy.special.betainc(a, b, x)  (the regularized incomplete beta I_x(a, b))
  norm_ppf       scipy.stats.norm.ppf(p)
  binom_test     scipy.stats.binom_test(k, n, p=0.5)  (two-sided; what Cohen et al.'s PREDICT uses)
  certify        Cohen et al.'s CERTIFY decision from counts, with their exact calls:
                 pA_lower = statsmodels proportion_confint(nA, n, alpha=2*alpha, method="beta")[0],
                 abstain if pA_lower < 0.5, else radius = sigma * norm.ppf(pA_lower)
  predict        Cohen et al.'s PREDICT decision from the two top counts (abstain if p-value > alpha)
  certify_threshold  the smallest nA that certifies at N = 100,000, alpha = 0.01 (Cohen et al.'s released setting)

Run with Debian's interpreter from the repository root:
  /usr/bin/python3 tools/certification/make_smoothing_statistics.py
"""
import json
import os
import warnings

import numpy as np
import scipy
import scipy.special
import scipy.stats as st
import statsmodels
from statsmodels.stats.proportion import proportion_confint

warnings.filterwarnings("ignore", category=DeprecationWarning)

OUT = os.path.join("tests", "Gauntlet.Defenses.Tests", "Certification", "Fixtures", "smoothing_statistics.json")


def cohen_lower(n_a, n, alpha):
    return float(proportion_confint(n_a, n, alpha=2 * alpha, method="beta")[0])


def main():
    beta_ppf = []
    for p, a, b in [
        (0.5, 1, 1), (0.001, 1, 1), (0.3, 2.5, 7.25), (0.9, 0.5, 0.5), (0.01, 50, 51), (0.999, 3, 300),
        (0.001, 100, 1), (0.001, 1000, 1), (0.001, 10000, 1), (0.01, 100000, 1), (0.001, 100000, 1),
        (0.001, 9990, 11), (0.001, 5200, 4801), (0.01, 99995, 6), (0.001, 1, 1000), (0.0001, 3, 10000),
        (1e-6, 40, 60), (0.5, 500000, 500001), (0.05, 1000000, 3), (0.999999, 7, 3),
    ]:
        beta_ppf.append({"p": p, "a": a, "b": b, "x": float(st.beta.ppf(p, a, b))})

    beta_cdf = []
    for x, a, b in [
        (0.5, 1, 1), (0.2, 2, 3), (0.999, 1000, 2), (0.3, 0.5, 0.5), (0.7, 10, 10), (0.99, 100, 1),
        (0.5, 60, 41), (0.5, 5001, 5000), (0.9999, 100000, 7), (1e-4, 2, 500), (0.42, 30, 70),
    ]:
        beta_cdf.append({"x": x, "a": a, "b": b, "p": float(scipy.special.betainc(a, b, x))})

    norm_ppf = []
    for p in [1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.075, 0.1, 0.3, 0.5, 0.6, 0.925, 0.95, 0.975,
              0.99, 0.999, 0.9999, 0.99999, 1 - 1e-10, 1 - 1e-15]:
        norm_ppf.append({"p": p, "x": float(st.norm.ppf(p))})

    binom = []
    for k, n in [(60, 100), (40, 100), (50, 100), (51, 101), (10, 10), (1, 1), (0, 5), (550, 1000),
                 (9, 10), (7, 20), (5000, 9900), (75, 120)]:
        binom.append({"k": k, "n": n, "p_value": float(st.binom_test(k, n, p=0.5))})

    certify = []
    for n_a, n, alpha, sigma in [
        (10000, 10000, 0.001, 0.25), (9990, 10000, 0.001, 0.25), (9000, 10000, 0.001, 0.25),
        (5200, 10000, 0.001, 0.25), (5100, 10000, 0.001, 0.25), (5000, 10000, 0.001, 0.25),
        (100, 100, 0.001, 0.5), (90, 100, 0.001, 0.5), (60, 100, 0.001, 0.5), (0, 100, 0.001, 0.5),
        (1000, 1000, 0.01, 1.0), (800, 1000, 0.01, 1.0), (100000, 100000, 0.01, 0.25),
        (99999, 100000, 0.01, 0.25), (50368, 100000, 0.01, 0.25), (50400, 100000, 0.01, 0.25),
    ]:
        lower = cohen_lower(n_a, n, alpha)
        abstain = lower < 0.5
        certify.append({
            "n_a": n_a, "n": n, "alpha": alpha, "sigma": sigma, "p_a_lower": lower,
            "abstain": bool(abstain), "radius": 0.0 if abstain else float(sigma * st.norm.ppf(lower)),
        })

    predict = []
    for counts, alpha in [
        ([0, 60, 40, 0], 0.001), ([0, 90, 10, 0], 0.001), ([0, 70, 20, 10], 0.05), ([50, 50, 0, 0], 0.5),
        ([980, 15, 5, 0], 0.001), ([510, 490, 0, 0], 0.001), ([3, 0, 0, 0], 0.3), ([3, 0, 0, 0], 0.2),
    ]:
        c = np.array(counts)
        top2 = c.argsort()[::-1][:2]
        p_value = float(st.binom_test(c[top2[0]], c[top2[0]] + c[top2[1]], p=0.5))
        predict.append({"counts": counts, "alpha": alpha, "p_value": p_value,
                        "prediction": -1 if p_value > alpha else int(top2[0])})

    # The smallest nA that certifies (lower bound >= 1/2) at Cohen et al.'s released setting N = 100,000, one-sided 0.01.
    lo, hi = 50000, 100000
    while lo < hi:
        mid = (lo + hi) // 2
        if cohen_lower(mid, 100000, 0.01) >= 0.5:
            hi = mid
        else:
            lo = mid + 1
    threshold = {"n": 100000, "alpha": 0.01, "first_certifying_count": lo}

    doc = {
        "scipy_version": scipy.__version__,
        "statsmodels_version": statsmodels.__version__,
        "beta_ppf": beta_ppf, "beta_cdf": beta_cdf, "norm_ppf": norm_ppf, "binom_test": binom,
        "certify": certify, "predict": predict, "certify_threshold": threshold,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
