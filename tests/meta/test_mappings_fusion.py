"""Mappings (shapes, specs, support-statistics batch norm) and fusion with missing modalities."""

from __future__ import annotations

import pytest
import torch

from vidmeta.meta import MappingSpec, MultimodalBatch, build_mapping
from vidmeta.meta.fusion import DecisionLevelFusion, FeatureLevelFusion, ModelLevelFusion
from vidmeta.meta.mappings import TaskBatchNorm2d, reference_statistics

MODALITIES = (("visual", 6), ("audio", 4), ("lips", 3))


def test_linear_is_wx_plus_b():
    torch.manual_seed(0)
    mapping = build_mapping(MappingSpec(kind="linear", input_shape=(2, 3), output_dim=5))
    x = torch.randn(4, 2, 3)
    w, b = mapping.linear.weight, mapping.linear.bias
    torch.testing.assert_close(mapping(x), x.reshape(4, 6) @ w.T + b)


def test_mlp_and_conv4_shapes():
    mlp = build_mapping(MappingSpec(kind="mlp", input_shape=(10,), hidden_dims=(16, 8), output_dim=3))
    assert mlp(torch.randn(5, 10)).shape == (5, 3)
    conv = build_mapping(MappingSpec(kind="conv4", input_shape=(1, 28, 28)))
    assert conv.output_dim == 64  # 28 -> 14 -> 7 -> 3 -> 1
    assert conv(torch.rand(2, 28, 28).unsqueeze(1)).shape == (2, 64)
    assert build_mapping(MappingSpec(kind="conv4", input_shape=(3, 84, 84))).output_dim == 64 * 5 * 5
    with pytest.raises(ValueError):
        build_mapping(MappingSpec(kind="conv4", input_shape=(1, 8, 8)))
    with pytest.raises(ValueError):
        build_mapping(MappingSpec(kind="transformer", input_shape=(4,)))


def test_spec_round_trip():
    spec = MappingSpec(kind="model_fusion", modalities=MODALITIES, output_dim=7, hidden_dims=(3,))
    assert MappingSpec.from_dict(spec.to_dict()) == spec


def test_reference_statistics_batch_norm():
    torch.manual_seed(0)
    norm = TaskBatchNorm2d(3)
    with torch.no_grad():
        norm.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
        norm.bias.copy_(torch.tensor([0.0, 1.0, -1.0]))
    x = torch.randn(7, 3, 4, 4) * 3 + 1
    before = norm.running_mean.clone()
    with reference_statistics(norm, 3):
        y = norm(x)
    ref = x[:3]
    mean = ref.mean(dim=(0, 2, 3)).view(1, 3, 1, 1)
    var = ref.var(dim=(0, 2, 3), unbiased=False).view(1, 3, 1, 1)
    expected = (x - mean) / torch.sqrt(var + norm.eps) * norm.weight.view(1, 3, 1, 1) + norm.bias.view(1, 3, 1, 1)
    torch.testing.assert_close(y, expected)
    assert torch.equal(norm.running_mean, before)  # running statistics untouched
    assert norm.reference_size is None  # restored after the block
    # samples after the reference do not influence each other
    with reference_statistics(norm, 3):
        alone = norm(torch.cat([x[:3], x[5:6]]))
    torch.testing.assert_close(alone[3], y[5])


def _batch(n=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    features = {name: torch.randn(n, dim, generator=g) for name, dim in MODALITIES}
    mask = torch.tensor([[1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1]], dtype=torch.bool)[:n]
    return MultimodalBatch(tuple(n for n, _ in MODALITIES), features, mask)


def _scramble_missing(batch: MultimodalBatch) -> MultimodalBatch:
    """Same batch, with garbage in every missing slot."""
    features = {}
    for name, tensor in batch.features.items():
        missing = ~batch.present(name)
        features[name] = torch.where(missing.unsqueeze(1), torch.full_like(tensor, 1e3), tensor)
    return MultimodalBatch(batch.modalities, features, batch.mask)


@pytest.mark.parametrize("cls", [FeatureLevelFusion, ModelLevelFusion, DecisionLevelFusion])
def test_missing_modalities_are_ignored(cls):
    torch.manual_seed(0)
    fusion = cls(MODALITIES, (8,), 5) if cls is FeatureLevelFusion else cls(MODALITIES, 5)
    batch = _batch()
    torch.testing.assert_close(fusion(batch), fusion(_scramble_missing(batch)))


def test_model_level_gates():
    torch.manual_seed(0)
    fusion = ModelLevelFusion(MODALITIES, 5)
    batch = _batch()
    projected, weights = fusion.gate_weights(batch)
    assert torch.all(weights[~batch.mask] == 0)
    torch.testing.assert_close(weights.sum(1), torch.ones(5))
    # a sample with one modality is exactly that modality's projection
    torch.testing.assert_close(fusion(batch)[1], fusion.heads.heads["visual"](batch.features["visual"][1]))
    # the gates are learned
    fusion(batch).sum().backward()
    assert fusion.gates["visual"].weight.grad is not None


def test_decision_level_combination():
    torch.manual_seed(0)
    fusion = DecisionLevelFusion(MODALITIES, 5)
    with torch.no_grad():
        fusion.modality_logits.copy_(torch.tensor([0.0, 1.0, 2.0]))
    logits = torch.randn(5, 3, 4)
    usable = _batch().mask
    fused = fusion.combine(logits, usable)
    torch.testing.assert_close(fused.exp().sum(1), torch.ones(5))
    # one usable modality: its own distribution
    torch.testing.assert_close(fused[1], torch.log_softmax(logits[1, 0], 0))
    # visual and lips usable (sample 4): weights softmax([0, 2]) over log-probabilities, renormalised
    w = torch.softmax(torch.tensor([0.0, 2.0]), 0)
    mix = w[0] * torch.log_softmax(logits[4, 0], 0) + w[1] * torch.log_softmax(logits[4, 2], 0)
    torch.testing.assert_close(fused[4], torch.log_softmax(mix, 0))
    fused.sum().backward()
    assert fusion.modality_logits.grad is not None


def test_all_missing_is_an_error():
    fusion = ModelLevelFusion(MODALITIES, 5)
    batch = _batch()
    empty = MultimodalBatch(batch.modalities, batch.features, torch.zeros_like(batch.mask))
    with pytest.raises(ValueError):
        fusion(empty)


def test_multimodal_batch_from_arrays_nan_means_missing():
    import numpy as np

    visual = np.array([[1.0, 2.0], [np.nan, np.nan]])
    audio = np.array([[np.nan], [3.0]])
    batch = MultimodalBatch.from_arrays({"visual": visual, "audio": audio})
    assert batch.mask.tolist() == [[True, False], [False, True]]
    assert not torch.isnan(batch.features["visual"]).any()
    assert len(batch[np.array([1])]) == 1
