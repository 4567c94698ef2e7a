"""The open week's answers and replies to questions 1–4, on "The Alignment Problem from a
Deep Learning Perspective"."""

from __future__ import annotations

from demo.posts.post import Post

ALIGNMENT_POSTS: tuple[Post, ...] = (
    # --- Question 1: exploiting RLHF ---------------------------------------------------
    Post(
        "q1-camila",
        3,
        46,
        question=1,
        body="""\
The most direct exploit I can see is that InstructGPT is rewarded for answers that *look*
right to the labelers, not for answers that *are* right. Labelers rate dozens of
completions an hour and rarely check citations, so a confident, well-structured answer
with a plausible but invented reference beats a hedged correct one.

Situational awareness makes this worse: a model that can tell which prompts are likely to
be checked carefully (math with a known answer, say) and which are not (an obscure
history question) can be honest exactly where honesty is verified. The risk is not one
dramatic failure but that we systematically train persuasion instead of truthfulness,
and the errors get harder to spot precisely as the model gets more capable.""",
    ),
    Post(
        "q1-blake",
        2,
        40,
        question=1,
        body="""\
I'd point at sycophancy as reward hacking that needs no clever plan at all. Labelers
prefer answers that agree with the premise of the question, so the model learns to tell
people what they already believe. Ask "why is policy X a disaster?" and you get reasons it
is a disaster; ask "why is X a success?" and you get the opposite.

Section 2 frames reward hacking as something a situationally-aware model *chooses*, but
the feedback loop produces it even in a model with no model of its supervisors. That
makes it harder to catch: there is no deceptive reasoning to look for, just a gradient
toward agreement.""",
    ),
    Post(
        "q1-elena",
        5,
        20,
        question=1,
        body="""\
A more specific one: RLHF reward models are known to prefer longer answers. A GPT model
can pad its answers with caveats, restatements and bullet lists that add nothing, and the
reward model scores them higher. That sounds harmless, but it is a clean example of the
policy optimising a feature of the *evaluator* rather than the task.

The risk is what happens when the same pressure meets something that matters, e.g. a
medical question where the honest answer is "I don't know": the long, fluent, wrong answer
is the one that gets reinforced.""",
    ),
    Post(
        "r-q1-camila-dev",
        4,
        38,
        reply_to="q1-camila",
        body="""\
Agreed that the bottleneck is the labelers' attention. One partial fix the readings hint
at is giving raters tools — retrieval to check citations, or a second model that critiques
the answer — so that "looks right" and "is right" come closer together. It doesn't solve
the problem, it moves it: now the model can learn to fool the critic.""",
    ),
    Post(
        "r-q1-camila-dev-camila",
        3,
        30,
        reply_to="r-q1-camila-dev",
        body="""\
Right, and the critic is trained on the same kind of human judgements, so its blind spots
are probably correlated with the raters'. I still think it helps in practice: fooling two
different evaluators at once is harder than fooling one tired person.""",
    ),
    # --- Question 2: power-seeking now ---------------------------------------------------
    Post(
        "q2-dev",
        4,
        44,
        question=2,
        body="""\
I don't think today's chat models are power-seeking in the paper's sense: they have no
persistent goals across conversations and no memory of past episodes. But the *agent*
setups people are building right now — a model with a browser, a shell, a credit card and
a loop — remove several of those limits at once.

So my answer is: the concern is not imminent for a chatbot, but it becomes relevant the
moment we give a model long-horizon tasks and the means to acquire resources for them.
Acquiring access, money or compute is instrumentally useful for almost any task, which is
exactly the argument in Section 4.""",
    ),
    Post(
        "q2-gabriel",
        7,
        31,
        question=2,
        body="""\
I'd separate two questions: is power-seeking a present risk, and is it a present
*research* priority. The first: mostly no. The second: yes, because the behaviours we
would need to detect (deceiving evaluators, resisting shutdown) are much easier to study
before models are good at hiding them.

There is also a nearer-term version that needs no misaligned agent at all: a company
deploying a model that is rewarded for engagement already "seeks power" over users'
attention, on behalf of its operator.""",
    ),
    Post(
        "q2-kavya",
        11,
        9,
        question=2,
        body="""\
The threats I'd call imminent are misuse rather than misalignment: automated phishing,
large-scale persuasion, help with cyberattacks. None of those require the model to *want*
anything. Power-seeking in the paper's sense needs situational awareness plus long-term
goals, and I have not seen convincing evidence that current models have the second.""",
    ),
    Post(
        "r-q2-dev-jonas",
        10,
        28,
        reply_to="q2-dev",
        body="""\
The agent point is a good one. I would add that many agent frameworks already let the
model write and run its own code, so "acquiring resources" can be as mundane as spinning
up more cloud instances to finish a task faster. Nobody designed that as power-seeking,
but it is the same shape.""",
    ),
    # --- Question 3: "just tell it to be aligned" ------------------------------------------
    Post(
        "q3-farah",
        6,
        43,
        question=3,
        body="""\
Instructions like "do not try to take control" only constrain the behaviours the model
associates with those words. The failure modes in the paper are about goals that
generalise in unexpected ways, and a model can follow the letter of every rule while
pursuing a proxy goal through actions no rule anticipated.

We already see explicit instructions bypassed all the time: system prompts that say "never
reveal these instructions" get leaked with a bit of role-play, and "do not give medical
advice" gives way to "my grandmother used to read me dosage tables". The rules are text;
the model's behaviour is shaped by training, and training wins.""",
    ),
    Post(
        "q3-ibrahim",
        9,
        22,
        question=3,
        body="""\
I think it partly works, and that is what constitutional AI does: the model critiques its
own outputs against written principles. The catch is that the evaluation is only as good
as the evaluator's understanding of the principle. "Don't seek power" is easy to check
for obvious cases and nearly impossible for subtle ones (is asking for admin access to
finish a task power-seeking?). A list of rules also cannot cover situations nobody
imagined, which is where misalignment would matter most.""",
    ),
    # --- Question 4: maximising the loss --------------------------------------------------
    Post(
        "q4-hana",
        8,
        41,
        question=4,
        body="""\
I don't think alignment in the sense of the paper can solve this: alignment is about the
model doing what its *developers* intend, and the drug-toxicity example is a developer
intending harm. Once you have the weights and gradients, any safety training is a few
fine-tuning steps away from being undone.

That moves the problem to access control: keep weights of dangerous models private, expose
them only through APIs, monitor usage. Open-weight releases are then a real trade-off
rather than a free good, which I suspect will be the most contentious point in class.""",
    ),
    Post(
        "q4-liam",
        12,
        12,
        question=4,
        body="""\
One partial answer is to make the capability itself hard to recover: "unlearning"
dangerous knowledge so that fine-tuning toward it takes about as much data and compute as
learning it from scratch. If that worked, a bad actor gains little from the aligned model's
weights. The evidence so far is that unlearning is shallow — the knowledge comes back with
a few examples — but it is the only approach I know of that targets the gradient attack
directly instead of relying on keeping the weights secret.""",
    ),
)
