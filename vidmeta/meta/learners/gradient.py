"""Gradient-based learners on torch.func: MAML (second and first order), ANIL, Meta-SGD, Reptile.

The network is the mapping plus a linear head. The head is built per task so that any number
of ways works: every class row starts from one learned row (Ye & Chao 2022) plus, by default,
the Proto-MAML term of Triantafillou et al. (2020), W_k = 2 s c_k, b_k = -s |c_k|^2 with c_k the
class mean of the support embeddings, i.e. the prototypical classifier as a starting point.

Batch norm in the inner loop: the mapping's TaskBatchNorm layers normalise with statistics of
the support set only (never running statistics), in the inner loop, for the query loss and at
prediction time. This is the "MetaBN" choice discussed by Bronskill et al. (2020): it needs no
in-place buffer updates inside ``torch.func.grad`` and keeps predictions independent of which
other queries are in the batch. ANIL does not adapt the mapping, so it keeps ordinary batch
norm and can embed a dataset once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.func import functional_call, grad, vmap

from vidmeta.meta.batch import Inputs, batch_size, concat
from vidmeta.meta.classifier import FewShotClassifier, calibrate_threshold, class_means
from vidmeta.meta.distances import SquaredEuclidean
from vidmeta.meta.episodes import Episode
from vidmeta.meta.learners.base import FewShotLearner, LearnerSpec, evaluating
from vidmeta.meta.mappings import reference_statistics

Fast = dict[str, Tensor]  # "body/<parameter name>", "head_weight" (ways, d), "head_bias" (ways,)
BODY = "body/"


class GradientLearner(FewShotLearner):
    """MAML (Finn et al. 2017); subclasses switch order, adapted parameters and step sizes."""

    first_order = False  # drop second derivatives (FOMAML)
    adapts_body = True  # False: ANIL, only the head moves in the inner loop
    learns_inner_lr = False  # True: Meta-SGD, a learned step size per parameter entry
    vmap_tasks = True  # meta-batches of equally shaped tensor tasks go through torch.func.vmap

    def __init__(self, spec: LearnerSpec) -> None:
        super().__init__(spec)
        if getattr(self.mapping, "decision_level", False):
            raise ValueError("decision-level fusion is supported by protonet only")
        if spec.head_init not in ("prototypes", "zeros"):
            raise ValueError(f"head_init must be 'prototypes' or 'zeros', not {spec.head_init!r}")
        self.head_weight = nn.Parameter(torch.zeros(self.embedding_dim))
        self.head_bias = nn.Parameter(torch.zeros(()))
        # Scale of the prototype term: squared distances of a good embedding are large, so an
        # unscaled prototype head is saturated and the inner loop has no gradient to follow.
        self.log_head_scale = nn.Parameter(torch.tensor(math.log(spec.head_scale)))
        if self.learns_inner_lr:
            self.inner_lrs = nn.ParameterDict(
                {_key(k): nn.Parameter(torch.full_like(v.detach(), spec.inner_lr)) for k, v in self._template().items()}
            )
        self.caches_features = not self.adapts_body

    # --- the functional network -------------------------------------------------------------

    def _template(self) -> Fast:
        """Fast-weight names and tensors (head as one shared row) that the inner loop may move."""
        fast = {BODY + n: p for n, p in self.mapping.named_parameters()} if self.adapts_body else {}
        return fast | {"head_weight": self.head_weight, "head_bias": self.head_bias}

    def _lr(self, name: str) -> Tensor | float:
        return self.inner_lrs[_key(name)] if self.learns_inner_lr else self.spec.inner_lr

    def _features(self, fast: Fast, x: Inputs, reference: int) -> Tensor:
        """Embeddings under fast body weights, normalised with the first ``reference`` samples."""
        body = {n[len(BODY) :]: t for n, t in fast.items() if n.startswith(BODY)}
        buffers = dict(self.mapping.named_buffers())
        with reference_statistics(self.mapping, reference):
            return functional_call(self.mapping, (body, buffers), (x,))

    def _initial_head(self, zs: Tensor, ys: Tensor, ways: int) -> tuple[Tensor, Tensor]:
        weight = self.head_weight.expand(ways, -1)
        bias = self.head_bias.expand(ways)
        if self.spec.head_init == "prototypes":
            centres = class_means(zs, ys, ways)
            scale = self.log_head_scale.exp()
            weight = weight + 2.0 * scale * centres
            bias = bias - scale * centres.pow(2).sum(1)
        return weight, bias

    def _inner_loop(self, fast: Fast, loss: Callable[[Fast], Tensor], steps: int, create_graph: bool) -> Fast:
        for _ in range(steps):
            grads = grad(loss)(fast)
            fast = {
                k: v - self._lr(k) * (grads[k] if create_graph else grads[k].detach()) for k, v in fast.items()
            }
        return fast

    def _adapt_task(
        self, sx: Inputs, sy: Tensor, ways: int, steps: int, create_graph: bool, zs: Tensor | None = None
    ) -> tuple[Fast, Fast]:
        """(initial, adapted) fast weights for one support set.

        ``zs`` are precomputed support embeddings (ANIL, whose mapping does not move).
        """
        n = batch_size(sx)
        fast = {k: v for k, v in self._template().items() if k.startswith(BODY)}
        if self.adapts_body:
            zs = self._features(fast, sx, n)
        assert zs is not None
        fast["head_weight"], fast["head_bias"] = self._initial_head(zs, sy, ways)
        initial = dict(fast)

        def support_loss(f: Fast) -> Tensor:
            z = self._features(f, sx, n) if self.adapts_body else zs
            return F.cross_entropy(z @ f["head_weight"].T + f["head_bias"], sy)

        return initial, self._inner_loop(fast, support_loss, steps, create_graph)

    # --- meta-training ----------------------------------------------------------------------

    def meta_loss(self, episodes: Sequence[Episode]) -> tuple[Tensor, float]:
        episodes = [e.to(self.device) for e in episodes]
        ways = episodes[0].ways
        if self.vmap_tasks and self.adapts_body and len(episodes) > 1 and _stackable(episodes):
            # All tasks at once: vmap turns the per-task fast weights into grouped convolutions.
            stacked = [torch.stack([getattr(e, f) for e in episodes]) for f in _FIELDS]
            logits, losses = vmap(lambda *t: self._task_query_loss(*t, ways))(*stacked)
            correct = int((logits.argmax(-1) == stacked[3]).sum())
            return losses.mean(), correct / stacked[3].numel()
        losses, correct, total = [], 0, 0
        for e in episodes:
            logits, loss = self._task_query_loss(e.support_x, e.support_y, e.query_x, e.query_y, e.ways)
            losses.append(loss)
            correct += int((logits.argmax(1) == e.query_y).sum())
            total += len(e.query_y)
        return torch.stack(losses).mean(), correct / max(total, 1)

    def _task_query_loss(self, sx: Inputs, sy: Tensor, qx: Inputs, qy: Tensor, ways: int) -> tuple[Tensor, Tensor]:
        """Query logits and loss after adapting to one support set (differentiable in the weights)."""
        n = batch_size(sx)
        both = concat(sx, qx)
        if self.adapts_body:
            _, fast = self._adapt_task(sx, sy, ways, self.spec.inner_steps, not self.first_order)
            zq = self._features(fast, both, n)[n:]
        else:
            z = self.mapping(both)  # ordinary batch norm over the whole episode, as ProtoNet trains
            _, fast = self._adapt_task(sx, sy, ways, self.spec.inner_steps, True, zs=z[:n])
            zq = z[n:]
        logits = zq @ fast["head_weight"].T + fast["head_bias"]
        return logits, F.cross_entropy(logits, qy)

    # --- adaptation -------------------------------------------------------------------------

    def embed(self, x: Inputs) -> Tensor:
        """ANIL only: embeddings of the fixed mapping (callers choose mode and grad context)."""
        if self.adapts_body:
            raise TypeError("embeddings of a MAML-style learner depend on the support set; use adapt()")
        return self.mapping(x)

    def adapt(self, support_x: Any, support_y: Any) -> FewShotClassifier:
        inputs, labels, classes = self._encode_support(support_x, support_y)
        if not self.adapts_body:
            with evaluating(self), torch.no_grad():
                return self.classifier_from_features(self.embed(inputs), labels, classes)
        ways, n = len(classes), batch_size(inputs)
        with torch.no_grad():  # torch.func.grad still differentiates inside; nothing outside is tracked
            _, fast = self._adapt_task(inputs, labels, ways, self.spec.eval_inner_steps, False)
            zs = self._features(fast, inputs, n)
        return self._classifier(
            zs, labels, classes, fast, embed=lambda x: self._features(fast, concat(inputs, x), n)[n:]
        )

    def classifier_from_features(self, zs: Tensor, labels: Tensor, classes: np.ndarray) -> FewShotClassifier:
        """ANIL: adapt the head on support embeddings of the fixed mapping (eval mode)."""
        labels = labels.to(zs.device)
        with torch.no_grad():
            _, fast = self._adapt_task(zs, labels, len(classes), self.spec.eval_inner_steps, False, zs=zs)

        def embed(x: Inputs) -> Tensor:
            with evaluating(self):
                return self.mapping(x)

        return self._classifier(zs, labels, classes, fast, embed=embed)

    def _classifier(
        self, zs: Tensor, labels: Tensor, classes: np.ndarray, fast: Fast, *, embed: Callable[[Inputs], Tensor]
    ) -> FewShotClassifier:
        ways = len(classes)
        weight, bias = fast["head_weight"].detach(), fast["head_bias"].detach()
        distance = SquaredEuclidean()
        centres = class_means(zs, labels, ways)
        return FewShotClassifier(
            classes=classes,
            embed=embed,
            logits=lambda z: z @ weight.T + bias,
            class_distance=lambda z: distance(z, centres),
            threshold=lambda: calibrate_threshold(zs, labels, ways, distance, quantile=self.spec.unknown_quantile),
            prepare=self.prepare,
        )


class FirstOrderMAML(GradientLearner):
    """MAML without second derivatives (Finn et al. 2017, section 5.2)."""

    first_order = True


class ANIL(GradientLearner):
    """Almost No Inner Loop (Raghu et al. 2020): only the head adapts, second order through it."""

    adapts_body = False


class MetaSGD(GradientLearner):
    """Meta-SGD (Li et al. 2017): MAML with a learned step size for every parameter entry."""

    learns_inner_lr = True


class Reptile(GradientLearner):
    """Reptile (Nichol et al. 2018): move the initialisation towards the task-adapted weights.

    The meta-gradient is theta - phi (phi: weights after ``inner_steps`` of SGD on the support
    set), applied by the training loop's optimiser. ``meta_loss`` returns the query loss as its
    value with that pseudo-gradient attached, so the loop needs no special case.
    """

    first_order = True

    def meta_loss(self, episodes: Sequence[Episode]) -> tuple[Tensor, float]:
        template = self._template()
        deltas = {k: torch.zeros_like(v) for k, v in template.items()}
        query_losses, correct, total = [], 0, 0
        for episode in episodes:
            episode = episode.to(self.device)
            n = batch_size(episode.support_x)
            with torch.no_grad():
                initial, fast = self._adapt_task(
                    episode.support_x, episode.support_y, episode.ways, self.spec.inner_steps, False
                )
                zq = self._features(fast, concat(episode.support_x, episode.query_x), n)[n:]
                logits = zq @ fast["head_weight"].T + fast["head_bias"]
            query_losses.append(F.cross_entropy(logits, episode.query_y))
            correct += int((logits.argmax(1) == episode.query_y).sum())
            total += len(episode.query_y)
            for k in deltas:
                step = (initial[k] - fast[k]).detach()
                # Head rows are per class; the shared row moves by their mean change.
                deltas[k] += step.mean(0) if k in ("head_weight", "head_bias") else step
        surrogate = sum((template[k] * (deltas[k] / len(episodes))).sum() for k in template)
        value = torch.stack(query_losses).mean()
        return value + (surrogate - surrogate.detach()), correct / max(total, 1)


_FIELDS = ("support_x", "support_y", "query_x", "query_y")


def _stackable(episodes: Sequence[Episode]) -> bool:
    first = episodes[0]
    return all(
        isinstance(getattr(e, f), Tensor) and getattr(e, f).shape == getattr(first, f).shape
        for e in episodes
        for f in _FIELDS
    )


def _key(name: str) -> str:
    return name.replace(".", "__").replace("/", "--")
