"""Every learner adapts and predicts on tasks with a known answer; MAML's inner loop by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from vidmeta.meta import (
    LEARNER_KINDS,
    ArrayDataset,
    Episode,
    UNKNOWN,
    LearnerSpec,
    MappingSpec,
    MultimodalBatch,
    TrainOptions,
    build_learner,
    evaluate,
    run_job,
    sample_episodes,
    train_job,
)
from vidmeta.meta.learners import GradientLearner, MetaSGD, Reptile

from .conftest import feature_spec, gaussian_classes, image_spec, stroke_images

TRAINING = {  # enough for each learner to solve the synthetic task, a few seconds at most
    "protonet": dict(max_steps=40),
    "matching": dict(max_steps=40),
    "relation": dict(max_steps=150, learning_rate=3e-3),
    "maml": dict(max_steps=30),
    "fomaml": dict(max_steps=30),
    "anil": dict(max_steps=30),
    "metasgd": dict(max_steps=30),
    "reptile": dict(max_steps=30),
}


@pytest.mark.parametrize("kind", LEARNER_KINDS)
def test_adapt_predict_on_synthetic_task(kind):
    """Train on some blob classes, then classify blobs of new classes from one example each."""
    torch.manual_seed(0)
    train = gaussian_classes(30, 8, seed=1)
    test = gaussian_classes(10, 8, seed=2)
    learner = build_learner(feature_spec(kind, distance="cosine" if kind == "matching" else "squared_euclidean"))
    options = TrainOptions(ways=5, shots=1, queries=3, meta_batch_size=2, seed=0, **TRAINING[kind])
    learner = run_job(train_job(learner, train, options=options)).learner
    assert evaluate(learner, test, ways=5, shots=1, queries=3, episodes=20, seed=5).accuracy > 0.9

    episode = next(sample_episodes(test, ways=3, shots=2, queries=4, episodes=1, seed=3))
    names = np.array(["cat", "dog", "owl"])
    classifier = learner.adapt(episode.support_x.numpy(), names[episode.support_y.numpy()])
    assert list(classifier.classes) == ["cat", "dog", "owl"]
    probs = classifier.predict_proba(episode.query_x.numpy())
    assert probs.shape == (12, 3)
    np.testing.assert_allclose(probs.sum(1), 1.0, rtol=1e-5)
    predicted = classifier.predict(episode.query_x, open_set=False)
    assert (predicted == names[episode.query_y.numpy()]).mean() >= 0.9
    # one query at a time gives the same answer as the batch
    np.testing.assert_allclose(classifier.predict_proba(episode.query_x[:1]), probs[:1], atol=1e-4)


@pytest.mark.parametrize("kind", ["protonet", "maml", "anil", "reptile"])
def test_conv_learners_on_images(kind):
    """The conv mapping with batch norm: meta-training step, and batch-independent predictions."""
    torch.manual_seed(0)
    data = stroke_images(12, 6, seed=0)
    learner = build_learner(image_spec(kind))
    learner = run_job(
        train_job(learner, data, options=TrainOptions(ways=4, shots=1, queries=2, max_steps=3, seed=0))
    ).learner
    episode = next(sample_episodes(data, ways=4, shots=1, queries=3, episodes=1, seed=1))
    classifier = learner.adapt(episode.support_x.squeeze(1), episode.support_y)  # (n, h, w) accepted
    probs = classifier.predict_proba(episode.query_x)
    for i in range(3):
        np.testing.assert_allclose(classifier.predict_proba(episode.query_x[i : i + 1]), probs[i : i + 1], atol=1e-4)
    # the patterns are distinct and nearly noise-free: even 3 steps of training get most right
    assert (probs.argmax(1) == episode.query_y.numpy()).mean() >= 0.75


def _linear_maml(kind="maml", **overrides) -> GradientLearner:
    torch.manual_seed(0)
    spec = LearnerSpec(
        kind=kind, mapping=MappingSpec(kind="linear", input_shape=(4,), output_dim=3), inner_lr=0.3, **overrides
    )
    learner = build_learner(spec)
    with torch.no_grad():
        learner.head_weight.copy_(torch.tensor([0.1, -0.2, 0.3]))
        learner.head_bias.fill_(0.05)
        learner.log_head_scale.fill_(-0.5)
    return learner


def _task(seed=0, ways=3, shots=2, queries=2):
    g = torch.Generator().manual_seed(seed)
    sx, qx = torch.randn(ways * shots, 4, generator=g), torch.randn(ways * queries, 4, generator=g)
    sy = torch.arange(ways).repeat_interleave(shots)
    qy = torch.arange(ways).repeat_interleave(queries)
    return sx, sy, qx, qy


def _manual_step(learner, sx, sy, *, create_graph, lr=0.3):
    """One inner step written with plain autograd: the adapted (W, b, head weight, head bias).

    The starting head (Proto-MAML: 2 c_k and -|c_k|^2) depends on W, but the inner gradient is
    taken with respect to the four fast tensors as independent variables, hence the copies.
    """
    W, b = learner.mapping.linear.weight, learner.mapping.linear.bias
    z = sx @ W.T + b
    centres = torch.stack([z[sy == k].mean(0) for k in range(3)])
    scale = learner.log_head_scale.exp()
    hw0 = learner.head_weight.expand(3, -1) + 2 * scale * centres
    hb0 = learner.head_bias.expand(3) - scale * (centres**2).sum(1)
    if create_graph:
        fast = [W * 1.0, b * 1.0, hw0 * 1.0, hb0 * 1.0]  # new graph nodes, still functions of W
    else:
        fast = [t.detach().requires_grad_() for t in (W, b, hw0, hb0)]
    Wf, bf, hwf, hbf = fast
    loss = F.cross_entropy((sx @ Wf.T + bf) @ hwf.T + hbf, sy)
    grads = torch.autograd.grad(loss, fast, create_graph=create_graph)
    return [t - lr * g for t, g in zip(fast, grads)]


def test_maml_inner_step_equals_manual_gradient_step():
    learner = _linear_maml()
    sx, sy, _, _ = _task()
    _, fast = learner._adapt_task(sx, sy, 3, steps=1, create_graph=False)
    W1, b1, hw1, hb1 = _manual_step(learner, sx, sy, create_graph=False)
    torch.testing.assert_close(fast["body/linear.weight"], W1)
    torch.testing.assert_close(fast["body/linear.bias"], b1)
    torch.testing.assert_close(fast["head_weight"], hw1)
    torch.testing.assert_close(fast["head_bias"], hb1)


@pytest.mark.parametrize("kind", ["maml", "fomaml"])
def test_meta_gradient_equals_manual(kind):
    learner = _linear_maml(kind, inner_steps=1)
    sx, sy, qx, qy = _task()
    W = learner.mapping.linear.weight

    loss, _ = learner.meta_loss([Episode(sx, sy, qx, qy, (0, 1, 2))])
    (ours,) = torch.autograd.grad(loss, [W])

    W1, b1, hw1, hb1 = _manual_step(learner, sx, sy, create_graph=kind == "maml")
    if kind == "fomaml":
        # First order: the adapted weights are the starting ones plus a constant step, so the
        # query gradient reaches W directly and through the prototype head only.
        W0, b0 = learner.mapping.linear.weight, learner.mapping.linear.bias
        z = sx @ W0.T + b0
        centres = torch.stack([z[sy == k].mean(0) for k in range(3)])
        scale = learner.log_head_scale.exp()
        start = [W0, b0, learner.head_weight.expand(3, -1) + 2 * scale * centres,
                 learner.head_bias.expand(3) - scale * (centres**2).sum(1)]
        W1, b1, hw1, hb1 = [s + (a.detach() - s.detach()) for s, a in zip(start, (W1, b1, hw1, hb1))]
    query_loss = F.cross_entropy((qx @ W1.T + b1) @ hw1.T + hb1, qy)
    (manual,) = torch.autograd.grad(query_loss, [W])
    torch.testing.assert_close(ours, manual)


def test_second_order_differs_from_first_order():
    sx, sy, qx, qy = _task(seed=4)
    grads = {}
    for kind in ("maml", "fomaml"):
        learner = _linear_maml(kind)
        loss, _ = learner.meta_loss([Episode(sx, sy, qx, qy, (0, 1, 2))])
        grads[kind] = torch.autograd.grad(loss, [learner.mapping.linear.weight])[0]
    assert not torch.allclose(grads["maml"], grads["fomaml"])


def test_meta_sgd_uses_and_learns_per_parameter_step_sizes():
    learner = _linear_maml("metasgd")
    assert isinstance(learner, MetaSGD)
    with torch.no_grad():
        for p in learner.inner_lrs.values():
            p.fill_(0.3)
        learner.inner_lrs["body--linear__weight"][0].fill_(0.0)  # row 0 of W frozen in the inner loop
    sx, sy, qx, qy = _task()
    _, fast = learner._adapt_task(sx, sy, 3, steps=1, create_graph=False)
    W1, *_ = _manual_step(learner, sx, sy, create_graph=False)
    torch.testing.assert_close(fast["body/linear.weight"][1:], W1[1:])
    torch.testing.assert_close(fast["body/linear.weight"][0], learner.mapping.linear.weight[0])
    loss, _ = learner.meta_loss([Episode(sx, sy, qx, qy, (0, 1, 2))])
    loss.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in learner.inner_lrs.values())


def test_reptile_meta_gradient_is_theta_minus_phi():
    learner = _linear_maml("reptile", inner_steps=3)
    assert isinstance(learner, Reptile)
    tasks = [_task(seed=s) for s in (1, 2)]
    expected = torch.zeros_like(learner.mapping.linear.weight)
    for sx, sy, _, _ in tasks:
        _, fast = learner._adapt_task(sx, sy, 3, steps=3, create_graph=False)
        expected += (learner.mapping.linear.weight - fast["body/linear.weight"]).detach() / 2
    loss, _ = learner.meta_loss([Episode(sx, sy, qx, qy, (0, 1, 2)) for sx, sy, qx, qy in tasks])
    loss.backward()
    torch.testing.assert_close(learner.mapping.linear.weight.grad, expected)


def test_anil_moves_only_the_head():
    learner = build_learner(feature_spec("anil"))
    sx, sy, _, _ = _task()
    sx = torch.randn(6, 12)
    zs = learner.mapping(sx)
    initial, fast = learner._adapt_task(sx, sy, 3, steps=2, create_graph=False, zs=zs)
    assert set(fast) == {"head_weight", "head_bias"}
    assert not torch.allclose(initial["head_weight"], fast["head_weight"])
    assert learner.caches_features


def test_open_set_unknown_decision():
    torch.manual_seed(0)
    learner = build_learner(feature_spec("protonet"))
    data = gaussian_classes(4, 10, seed=0, spread=0.1)
    x, y = data.inputs, data.labels
    support = np.concatenate([np.flatnonzero(y == c)[:3] for c in range(3)])  # classes 0-2 known
    inside = np.concatenate([np.flatnonzero(y == c)[5:] for c in range(3)])
    classifier = learner.adapt(x[support], y[support])
    far = x[inside] * 0 + 50.0  # nowhere near any class
    assert not classifier.is_unknown(x[inside]).mean() > 0.2
    assert classifier.is_unknown(far).all()
    labels = classifier.predict(torch.cat([x[inside[:2]], far[:1]]))
    assert labels[-1] == UNKNOWN and labels[0] == y[inside[0]]
    # one shot per class: calibrated on the distance between classes
    one_shot = learner.adapt(x[support[::3]], y[support[::3]])
    assert np.isfinite(one_shot.threshold) and one_shot.is_unknown(far).all()
    assert one_shot.is_unknown(x[inside]).mean() < 0.5
    classifier.threshold = float("inf")
    assert not classifier.is_unknown(far).any()


def test_protonet_with_decision_level_fusion_and_missing_modalities():
    """Classes are recognisable from either modality; samples missing one are still right."""
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    ways, shots, queries = 4, 3, 4
    centres = {"visual": rng.normal(size=(ways, 5)) * 3, "audio": rng.normal(size=(ways, 3)) * 3}

    def batch(labels, mask):
        feats = {k: c[labels] + rng.normal(size=(len(labels), c.shape[1])) * 0.2 for k, c in centres.items()}
        return MultimodalBatch.from_arrays(feats, mask)

    spec = LearnerSpec(
        kind="protonet",
        mapping=MappingSpec(kind="decision_fusion", modalities=(("visual", 5), ("audio", 3)), output_dim=8),
    )
    learner = build_learner(spec)
    sy = np.repeat(np.arange(ways), shots)
    s_mask = np.ones((len(sy), 2), bool)
    s_mask[::3, 1] = False  # some support examples lack audio
    qy = np.repeat(np.arange(ways), queries)
    q_mask = np.tile([[True, False], [False, True], [True, True], [True, False]], (ways, 1))
    classifier = learner.adapt(batch(sy, s_mask), sy)
    assert (classifier.predict(batch(qy, q_mask), open_set=False) == qy).mean() >= 0.9
    # the fusion weights are trainable through the episode loss
    episode = Episode(batch(sy, s_mask), torch.from_numpy(sy), batch(qy, q_mask), torch.from_numpy(qy), tuple(range(ways)))
    loss, _ = learner.meta_loss([episode])
    loss.backward()
    assert learner.mapping.modality_logits.grad is not None


def test_adapt_rejects_mismatched_inputs():
    learner = build_learner(feature_spec("protonet"))
    with pytest.raises(ValueError):
        learner.adapt(torch.randn(4, 12), [0, 1, 2])
    with pytest.raises(ValueError):
        learner.adapt(torch.randn(4, 7), [0, 1, 0, 1])
    with pytest.raises(TypeError):
        learner.adapt(np.zeros((4, 12), np.uint8), [0, 1, 0, 1])


@pytest.mark.parametrize("kind", ["maml", "fomaml", "metasgd"])
def test_vmapped_meta_batch_equals_loop(kind):
    """torch.func.vmap over tasks (conv, support-statistics batch norm) gives the loop's loss and gradients."""
    torch.manual_seed(0)
    data = stroke_images(12, 5, seed=0)
    episodes = list(sample_episodes(data, ways=3, shots=2, queries=2, episodes=3, seed=4))
    learner = build_learner(image_spec(kind, inner_steps=2))
    results = []
    for use_vmap in (True, False):
        learner.vmap_tasks = use_vmap
        learner.zero_grad()
        loss, accuracy = learner.meta_loss(episodes)
        loss.backward()
        results.append((loss.detach(), accuracy, [p.grad.clone() for p in learner.parameters() if p.grad is not None]))
    (lv, av, gv), (ll, al, gl) = results
    torch.testing.assert_close(lv, ll)
    assert av == al and len(gv) == len(gl)
    for a, b in zip(gv, gl):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def _multimodal_blobs(classes: int, per_class: int, seed: int) -> ArrayDataset:
    """Two views (fixed linear maps, the same for every dataset) of a latent class centre.

    Each sample misses one of the two modalities a third of the time.
    """
    mixing = np.random.default_rng(100)
    to_visual, to_audio = mixing.normal(size=(4, 6)), mixing.normal(size=(4, 4))
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(classes), per_class)
    latent = rng.normal(size=(classes, 4))[labels] * 1.5
    feats = {
        "visual": latent @ to_visual + rng.normal(size=(len(labels), 6)) * 0.3,
        "audio": latent @ to_audio + rng.normal(size=(len(labels), 4)) * 0.3,
    }
    mask = np.ones((len(labels), 2), bool)
    drop = rng.random(len(labels))
    mask[drop < 1 / 6, 0] = False
    mask[(drop >= 1 / 6) & (drop < 1 / 3), 1] = False
    return ArrayDataset(MultimodalBatch.from_arrays(feats, mask), labels)


@pytest.mark.parametrize("fusion", ["feature_fusion", "model_fusion", "decision_fusion"])
def test_protonet_trains_on_fused_modalities_with_missing_ones(fusion):
    torch.manual_seed(0)
    mapping = MappingSpec(kind=fusion, modalities=(("visual", 6), ("audio", 4)), hidden_dims=(16,), output_dim=8)
    learner = build_learner(LearnerSpec(kind="protonet", mapping=mapping))
    test_set = _multimodal_blobs(8, 8, seed=2)  # classes never seen in training

    def accuracy(model) -> float:
        return evaluate(model, test_set, ways=4, shots=2, queries=3, episodes=100, seed=3).accuracy

    before = accuracy(learner)
    options = TrainOptions(ways=4, shots=2, queries=3, max_steps=120, learning_rate=3e-3, seed=0)
    after = accuracy(run_job(train_job(learner, _multimodal_blobs(24, 8, seed=1), options=options)).learner)
    # chance is 0.25; a third of the samples lack a modality. (Decision-level fusion's linear heads
    # start close to their best on these linear views, so "no worse" is what training can show there.)
    assert after > 0.8 and after >= before


def test_feature_augmentation_adds_noise_and_hides_modalities_but_never_all():
    from vidmeta.meta.augment import ImageAugmentation, augment_images

    batch = MultimodalBatch.from_arrays({"visual": np.ones((200, 4)), "audio": np.ones((200, 3))},
                                        np.tile([True, True], (200, 1)))
    out = augment_images(batch, ImageAugmentation(feature_noise=0.1, modality_dropout=0.5),
                         torch.Generator().manual_seed(0))
    assert out.mask.any(1).all() and 0.2 < (~out.mask).float().mean() < 0.5  # about a quarter hidden
    for m, name in enumerate(out.modalities):
        hidden = ~out.mask[:, m]
        assert torch.all(out.features[name][hidden] == 0)  # hidden: zeros, as a missing modality
        assert 0.05 < (out.features[name][~hidden] - 1).std() < 0.15  # present: noisy
    same = augment_images(batch, ImageAugmentation(), torch.Generator().manual_seed(0))
    assert same is batch
