#!/usr/bin/python3
"""Synthetic credit-scoring data and three scikit-learn pipelines exported to ONNX-ML by hand.

No converter (skl2onnx) is needed: the ONNX-ML graphs are built with python3-onnx's helper from
the fitted estimators. Each pipeline is

    ColumnTransformer(StandardScaler on the numeric columns, OneHotEncoder on the categorical ones)
    -> LogisticRegression | RandomForestClassifier | GradientBoostingClassifier

and each graph is

    X [N, 8] float -> ArrayFeatureExtractor(numeric) -> Scaler ------------------------------+
                   -> ArrayFeatureExtractor(col) -> OneHotEncoder -> Reshape [N, k] (each) ---+-> Concat
                   -> LinearClassifier | TreeEnsembleClassifier -> output_label, ZipMap -> output_probability

The data set is synthetic (generated below from a fixed seed; no licence restrictions): 8 columns
age (integer, 18-75), income (integer), debt_ratio (two decimals, 0-1.5), employment_months
(integer), credit_lines (integer, 0-15), sex (0/1, the protected attribute), housing (0 rent,
1 own, 2 mortgage), purpose (0-3), and the label default (1 = defaults). The default rate depends
on debt ratio, income, employment and (deliberately, a little) on sex, so fairness checks have
something to find.

Tree thresholds are stored so that float32 inputs take exactly scikit-learn's branches: on the
one-hot columns as float32 rounded down (`x <= t32` exactly when `x <= t64`), on the scaled
numeric columns as the float32 Scaler's image of the last raw value scikit-learn sends left
(see scaled_threshold: scikit-learn scales in float64, the ONNX Scaler in float32, and test
values can sit exactly on a split).

Run from the repository root with Debian's python3-sklearn and python3-onnx:
    /usr/bin/python3 tools/tabular/make_credit_models.py
Writes examples/tabular/{credit_lr,credit_rf,credit_gb}.onnx, credit_test.csv, credit_train.csv
and sklearn_probabilities.csv (model, row, p0, p1, label) for the agreement test.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

OUT = "examples/tabular/"
SEED = 23
COLUMNS = ["age", "income", "debt_ratio", "employment_months", "credit_lines", "sex", "housing", "purpose"]
NUMERIC = [0, 1, 2, 3, 4]
CATEGORICAL = {5: [0, 1], 6: [0, 1, 2], 7: [0, 1, 2, 3]}


def make_data(n, rng):
    age = rng.integers(18, 76, n)
    sex = rng.integers(0, 2, n)
    housing = rng.choice(3, n, p=[0.4, 0.25, 0.35])
    purpose = rng.integers(0, 4, n)
    income = np.round(np.exp(rng.normal(10.4, 0.45, n)) + 800 * (age - 18)).astype(np.int64)
    employment = np.minimum(rng.integers(0, 480, n), (age - 16) * 12)
    debt = np.round(np.clip(rng.gamma(2.0, 0.18, n), 0, 1.5), 2)
    lines = rng.integers(0, 16, n)
    z = (-1.2 + 3.0 * debt - 0.000018 * (income - 45000) - 0.004 * employment + 0.06 * lines
         - 0.4 * (housing == 1) + 0.3 * (purpose == 3) + 0.35 * (sex == 0) + rng.normal(0, 0.7, n))
    y = (z > 0).astype(np.int64)
    x = np.column_stack([age, income, debt, employment, lines, sex, housing, purpose]).astype(np.float64)
    return x, y


def pipeline(model):
    pre = ColumnTransformer([
        ("num", StandardScaler(), NUMERIC),
        ("cat", OneHotEncoder(categories=[CATEGORICAL[c] for c in CATEGORICAL], handle_unknown="ignore", sparse_output=False), list(CATEGORICAL)),
    ])
    return Pipeline([("pre", pre), ("model", model)])


def preprocessing_nodes(pipe):
    """Nodes and initializers computing the ColumnTransformer's output 'features' from 'X'."""
    scaler = pipe.named_steps["pre"].named_transformers_["num"]
    nodes, inits, parts = [], [], []
    inits.append(numpy_helper.from_array(np.array(NUMERIC, dtype=np.int64), "numeric_idx"))
    nodes.append(helper.make_node("ArrayFeatureExtractor", ["X", "numeric_idx"], ["numeric"], domain="ai.onnx.ml"))
    nodes.append(helper.make_node("Scaler", ["numeric"], ["scaled"], domain="ai.onnx.ml",
                                  offset=[float(v) for v in scaler.mean_], scale=[float(1.0 / v) for v in scaler.scale_]))
    parts.append("scaled")
    for col, cats in CATEGORICAL.items():
        name = COLUMNS[col]
        inits.append(numpy_helper.from_array(np.array([col], dtype=np.int64), f"{name}_idx"))
        inits.append(numpy_helper.from_array(np.array([-1, len(cats)], dtype=np.int64), f"{name}_shape"))
        nodes.append(helper.make_node("ArrayFeatureExtractor", ["X", f"{name}_idx"], [f"{name}_col"], domain="ai.onnx.ml"))
        nodes.append(helper.make_node("OneHotEncoder", [f"{name}_col"], [f"{name}_onehot3"], domain="ai.onnx.ml", cats_int64s=cats, zeros=1))
        nodes.append(helper.make_node("Reshape", [f"{name}_onehot3", f"{name}_shape"], [f"{name}_onehot"]))
        parts.append(f"{name}_onehot")
    nodes.append(helper.make_node("Concat", parts, ["features"], axis=1))
    return nodes, inits


def float32_down(t):
    """The largest float32 <= t, so float32 x <= result exactly when x <= t."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    return float(f)


def scaled_threshold(scaler, feature, t):
    """The threshold, in the float32 Scaler's output space, that splits float32 raw inputs exactly as
    scikit-learn does. scikit-learn scales in float64 ((x - mean) / scale) and casts to float32
    before comparing with t; the ONNX Scaler computes (x - offset32) * scale32 in float32, which
    can differ by an ulp, and a test value sitting on a split (thresholds can equal training
    values) would then take the other branch. Both maps are monotonic, so find the largest
    float32 raw value x_b that scikit-learn sends left and use the engine's scaled x_b instead."""
    mean, scale = scaler.mean_[feature], scaler.scale_[feature]
    off32, sc32 = np.float32(mean), np.float32(1.0 / scale)

    def left(x):
        return np.float32((np.float64(x) - mean) / scale) <= t

    def engine(x):
        return np.float32(np.float32(x - off32) * sc32)

    x = np.float32(t * scale + mean)
    while left(x):
        x = np.nextafter(x, np.float32(np.inf))
    while not left(x):
        x = np.nextafter(x, np.float32(-np.inf))
    return float(engine(x))


def tree_attributes(trees, weights_of, scaler=None, tree_offset=0):
    """ONNX-ML node attributes for sklearn trees; weights_of(tree, leaf) -> [(class_id, weight)].
    Splits on the scaled numeric columns get thresholds from scaled_threshold."""
    a = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes", "nodes_values",
                         "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true", "nodes_hitrates",
                         "class_treeids", "class_nodeids", "class_ids", "class_weights"]}
    for t, est in enumerate(trees):
        tree = est.tree_
        for i in range(tree.node_count):
            leaf = tree.children_left[i] == -1
            a["nodes_treeids"].append(t + tree_offset)
            a["nodes_nodeids"].append(i)
            a["nodes_featureids"].append(0 if leaf else int(tree.feature[i]))
            a["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            feature = int(tree.feature[i])
            if leaf:
                value = 0.0
            elif scaler is not None and feature < len(NUMERIC):
                value = scaled_threshold(scaler, feature, tree.threshold[i])
            else:
                value = float32_down(tree.threshold[i])
            a["nodes_values"].append(value)
            a["nodes_truenodeids"].append(0 if leaf else int(tree.children_left[i]))
            a["nodes_falsenodeids"].append(0 if leaf else int(tree.children_right[i]))
            a["nodes_missing_value_tracks_true"].append(0)
            a["nodes_hitrates"].append(1.0)
            if leaf:
                for cls, w in weights_of(tree, i):
                    a["class_treeids"].append(t + tree_offset)
                    a["class_nodeids"].append(i)
                    a["class_ids"].append(cls)
                    a["class_weights"].append(float(w))
    return a


def classifier_node(pipe):
    model = pipe.named_steps["model"]
    scaler = pipe.named_steps["pre"].named_transformers_["num"]
    labels = [int(c) for c in model.classes_]
    if isinstance(model, LogisticRegression):
        return helper.make_node("LinearClassifier", ["features"], ["output_label", "probabilities"], domain="ai.onnx.ml",
                                coefficients=[float(v) for v in model.coef_.ravel()], intercepts=[float(v) for v in model.intercept_],
                                classlabels_ints=labels, post_transform="LOGISTIC", multi_class=0)
    if isinstance(model, RandomForestClassifier):
        n = len(model.estimators_)

        def rf_weights(tree, leaf):
            v = tree.value[leaf, 0, :]
            p = v / v.sum()
            return [(c, p[c] / n) for c in range(len(p))]

        attrs = tree_attributes(model.estimators_, rf_weights, scaler)
        return helper.make_node("TreeEnsembleClassifier", ["features"], ["output_label", "probabilities"], domain="ai.onnx.ml",
                                classlabels_int64s=labels, post_transform="NONE", **attrs)
    if isinstance(model, GradientBoostingClassifier):
        lr = model.learning_rate

        def gb_weights(tree, leaf):
            return [(0, lr * tree.value[leaf, 0, 0])]

        attrs = tree_attributes([e[0] for e in model.estimators_], gb_weights, scaler)
        base = float(model._raw_predict_init(np.zeros((1, model.n_features_in_)))[0, 0])
        return helper.make_node("TreeEnsembleClassifier", ["features"], ["output_label", "probabilities"], domain="ai.onnx.ml",
                                classlabels_int64s=labels, post_transform="LOGISTIC", base_values=[base], **attrs)
    raise TypeError(type(model))


def export(pipe, name):
    nodes, inits = preprocessing_nodes(pipe)
    nodes.append(classifier_node(pipe))
    labels = [int(c) for c in pipe.named_steps["model"].classes_]
    nodes.append(helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml", classlabels_int64s=labels))
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = TensorProto.INT64
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    zipmap_type = helper.make_sequence_type_proto(map_type)
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", len(COLUMNS)])],
        [helper.make_tensor_value_info("output_label", TensorProto.INT64, ["N"]),
         helper.make_value_info("output_probability", zipmap_type)],
        inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 3)],
                          producer_name="gauntlet-tools-tabular", producer_version="1")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, f"credit_{name}.onnx"))


def write_csv(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(COLUMNS + ["default"]) + "\n")
        for row, label in zip(x, y):
            vals = [f"{v:.2f}" if j == 2 else str(int(v)) for j, v in enumerate(row)]
            f.write(",".join(vals + [str(int(label))]) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    x_train, y_train = make_data(600, rng)
    x_test, y_test = make_data(200, rng)
    models = {
        "lr": LogisticRegression(C=1.0, max_iter=1000),
        "rf": RandomForestClassifier(n_estimators=25, max_depth=6, random_state=SEED),
        "gb": GradientBoostingClassifier(n_estimators=40, max_depth=3, learning_rate=0.1, random_state=SEED),
    }
    write_csv(os.path.join(OUT, "credit_train.csv"), x_train, y_train)
    write_csv(os.path.join(OUT, "credit_test.csv"), x_test, y_test)
    with open(os.path.join(OUT, "sklearn_probabilities.csv"), "w") as f:
        f.write("model,row,p0,p1,label\n")
        for name, model in models.items():
            pipe = pipeline(model).fit(x_train, y_train)
            export(pipe, name)
            # The ONNX input is float32 (as skl2onnx exports it): the reference is scikit-learn on
            # the float32 values Gauntlet reads from the CSV (0.15 is 0.150000006 there).
            x32 = x_test.astype(np.float32).astype(np.float64)
            proba = pipe.predict_proba(x32)
            pred = pipe.predict(x32)
            print(f"{name}: test accuracy {np.mean(pred == y_test):.3f}")
            for i in range(len(x_test)):
                f.write(f"{name},{i},{proba[i, 0]:.9g},{proba[i, 1]:.9g},{pred[i]}\n")


if __name__ == "__main__":
    main()
