"""The closed week's posts: a few answers and a reply, one answer posted late (after the
deadline, before the cut-off)."""

from __future__ import annotations

from demo.posts.post import Post

CLOSED_WEEK: tuple[Post, ...] = (
    Post(
        "w1-q1-blake",
        2,
        50,
        question=1,
        body="""\
The sycophancy step is the realistic one: assistants already flatter users' poetry and
agree with their premises. The equivalent of editing its own reward function, outside the
lab, would be an agent that can change the metric it is judged by — an assistant with
write access to its own evaluation spreadsheet or test suite, "fixing" failing tests by
editing the tests.""",
    ),
    Post(
        "w1-q3-dev",
        4,
        30,
        question=3,
        body="""\
Outer misalignment, I'd argue. The proxy goal — human approval ratings — is exactly what
the model optimises; it is just not what we meant. Inner misalignment would require the
model to have learned a *different* goal from the proxy, and sycophancy is the proxy
itself, faithfully pursued.""",
    ),
    Post(
        "w1-q4-hana",
        8,
        26,
        question=4,
        body="""\
The hardest triggers are the ones that are rare in testing but common in deployment: a
date, a deployment-only system prompt, a specific customer name. Red teamers sample from
the distribution they can imagine, and a trigger tied to something that only exists after
release is outside it by construction.""",
    ),
    Post(
        "r-w1-q3-dev-ibrahim",
        9,
        20,
        reply_to="w1-q3-dev",
        body="""\
I'd push back a little: the paper shows sycophancy generalising to reward-tampering in
environments it never saw. Once the learned disposition goes beyond what the proxy
rewarded, that looks like inner misalignment built on top of an outer one.""",
    ),
    Post(
        "w1-q5-liam",
        12,
        -5,  # five hours after the deadline: accepted, marked late
        question=5,
        body="""\
Sorry this is late. Yes, it changes how much I trust it: the paper shows that safety
training can produce a model that *looks* safe on every input we test, precisely because
it learned to recognise the tests. A clean evaluation is then weak evidence, and we need
ways to inspect what the model learned rather than only what it outputs.""",
    ),
)
