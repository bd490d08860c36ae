"""Each distance against numbers worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from vidmeta.meta import build_distance
from vidmeta.meta.distances import Cosine, DiagonalMahalanobis, Manhattan, RelationModule, SquaredEuclidean

Q = torch.tensor([[0.0, 0.0], [1.0, 2.0]])
R = torch.tensor([[3.0, 4.0], [1.0, 0.0], [-1.0, 1.0]])


def test_squared_euclidean_by_hand():
    # (0,0)-(3,4): 9+16=25; (0,0)-(1,0): 1; (0,0)-(-1,1): 2
    # (1,2)-(3,4): 4+4=8;  (1,2)-(1,0): 4; (1,2)-(-1,1): 4+1=5
    expected = torch.tensor([[25.0, 1.0, 2.0], [8.0, 4.0, 5.0]])
    torch.testing.assert_close(SquaredEuclidean()(Q, R), expected)
    torch.testing.assert_close(SquaredEuclidean().logits(Q, R), -expected)


def test_manhattan_by_hand():
    # (0,0): 7, 1, 2; (1,2): 2+2=4, 0+2=2, 2+1=3
    expected = torch.tensor([[7.0, 1.0, 2.0], [4.0, 2.0, 3.0]])
    torch.testing.assert_close(Manhattan()(Q, R), expected)


def test_cosine_by_hand_with_temperature():
    q = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    r = torch.tensor([[2.0, 0.0], [0.0, 3.0], [-1.0, 0.0]])
    s = 1 / math.sqrt(2)
    cos = torch.tensor([[1.0, 0.0, -1.0], [s, s, -s]])
    d = Cosine(temperature=5.0)
    torch.testing.assert_close(d(q, r), 1.0 - cos)
    torch.testing.assert_close(d.logits(q, r), 5.0 * cos)
    assert d.log_temperature.requires_grad  # learned
    fixed = Cosine(temperature=5.0, learn_temperature=False)
    assert not any(p.requires_grad for p in fixed.parameters())


def test_cosine_temperature_learns():
    d = Cosine(temperature=1.0)
    q, r = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.1], [0.0, 1.0]])
    loss = torch.nn.functional.cross_entropy(d.logits(q, r), torch.tensor([0]))
    loss.backward()
    assert d.log_temperature.grad is not None and d.log_temperature.grad < 0  # sharper is better here


def test_diagonal_mahalanobis_by_hand():
    d = DiagonalMahalanobis(2)
    torch.testing.assert_close(d(Q, R), SquaredEuclidean()(Q, R))  # starts at unit weights
    with torch.no_grad():
        d.raw_scale.copy_(torch.log(torch.expm1(torch.tensor([2.0, 0.5]))))  # softplus^-1
    # (0,0)-(3,4): 2*9 + 0.5*16 = 26; (1,2)-(-1,1): 2*4 + 0.5*1 = 8.5
    out = d(Q, R)
    assert out[0, 0].item() == pytest.approx(26.0)
    assert out[1, 2].item() == pytest.approx(8.5)


def test_relation_module_scores_pairs():
    torch.manual_seed(0)
    d = RelationModule(2, hidden_dim=4)
    out = d.logits(Q, R)
    assert out.shape == (2, 3)
    # each entry is the score of the concatenated pair, computed one by one
    for i in range(2):
        for j in range(3):
            single = d.score(torch.cat([Q[i], R[j], (Q[i] - R[j]).abs(), Q[i] * R[j]])).item()
            assert out[i, j].item() == pytest.approx(single, abs=1e-6)
    torch.testing.assert_close(d(Q, R), -out)


@pytest.mark.parametrize("kind", ["squared_euclidean", "manhattan", "cosine", "mahalanobis", "relation"])
def test_paired_batches_broadcast(kind):
    """(m, 1, d) against (m, 1, d) gives m separate pair distances (used by open-set calibration)."""
    torch.manual_seed(0)
    d = build_distance(kind, dim=2)
    a, b = torch.randn(4, 2), torch.randn(4, 2)
    paired = d(a.unsqueeze(1), b.unsqueeze(1)).reshape(-1)
    full = d(a, b)
    torch.testing.assert_close(paired, torch.diagonal(full))


def test_unknown_distance():
    with pytest.raises(ValueError):
        build_distance("chebyshev", dim=2)
