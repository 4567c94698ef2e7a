"""The demo discussion: what the class has written by the time someone logs in.

`seed_demo(summary)` is called by demo.weeks.build_demo (see its docstring) inside its
transaction. It fills the open week (week 2, the imported seed week) with answers by
student1 … student12 to every question, replies and a reply to a reply, two general
comments (one by the lead, pinned), one answer endorsed by the lead, one reply credited as
substantive and one reply hidden by the lead with a reason; and the closed week (week 1)
with a few answers, one of them posted late (after the deadline, before the cut-off).

student1 has not answered question 1 of the open week: the demo's first step is "as
student1, answer question 1" (and pasting a classmate's answer there shows the duplicate
warning).

Idempotent: each post is looked up by (week, author, question, parent) and created only
when missing, and the moderation steps do nothing when already done; posts written in
the demo (or edited there) are left as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from core.models import Question, Week
from discussions import moderation
from discussions.models import Comment

if TYPE_CHECKING:
    from accounts.models import User
    from demo.weeks import DemoSummary

LEAD = 0  # author number for lead@example.edu; 1-12 are student1 … student12


@dataclass(frozen=True)
class Post:
    """One demo post. `question`: its number (None: the general thread); `reply_to`: the
    key of the post it answers; `hours`: how long before the reference time it was posted."""

    key: str
    author: int
    hours: float
    body: str
    question: int | None = None
    reply_to: str | None = None


OPEN_WEEK: tuple[Post, ...] = (
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
    # --- Question 5: improving the attack -------------------------------------------------
    Post(
        "q5-camila",
        3,
        36,
        question=5,
        body="""\
Two modifications I'd try: first, optimise a prefix and a suffix together instead of only
a suffix, since the refusal decision seems to be made early in the response. Second,
target a *distribution* of affirmative openings ("Sure, here is", "Of course! Step 1")
rather than a single phrase, so the attack does not fail when the model starts with a
slightly different token.

The paper's ensemble over several models already helps transfer; mixing in paraphrased
versions of the harmful request during optimisation might help the suffix generalise
across requests too.""",
    ),
    Post(
        "q5-jonas",
        10,
        16,
        question=5,
        body="""\
The suffixes GCG finds are gibberish, which makes them easy to filter with a perplexity
check. An obvious improvement is a fluency penalty in the objective, so the search prefers
suffixes that read as natural text. That probably costs some attack success per query but
makes the attack much harder to defend against with simple filters — and readable
suffixes would transfer to models behind a moderation layer.""",
    ),
    # --- Question 6: align the users instead? ---------------------------------------------
    Post(
        "q6-blake",
        2,
        34,
        question=6,
        body="""\
"It's on the internet anyway" underestimates what the model adds: it finds, filters,
combines and adapts information for you, and answers follow-up questions. A plan that
would take days of searching scattered forums becomes a five-minute conversation. The
uplift is the point, not the raw availability.

I also think "aligning users" and "aligning models" are not alternatives: we already do
both for other dual-use technologies (know-your-customer rules for chemicals, plus
engineering controls in the equipment).""",
    ),
    Post(
        "q6-elena",
        5,
        26,
        question=6,
        body="""\
I partly agree with the question. For a lot of "harmful" requests — jokes, edgy fiction,
publicly documented history — refusal mostly annoys legitimate users and the jailbreak
research is measuring something that does not matter much.

But the paper's framing is about *reliability*: if a company says its model will not do X
and a suffix makes it do X, the safety guarantees are not what they claim. That matters
even for low-stakes X, because the same weakness will be there when X is high-stakes.""",
    ),
    Post(
        "q6-ibrahim",
        9,
        6,
        question=6,
        body="""\
Focusing on users assumes we can identify them. API access is anonymous enough that
"aligning users" mostly means usage policies, which are enforced after the fact. Model-side
safeguards are the only control that acts at the moment of the request, so even if they
are imperfect they cover something user-side measures cannot.""",
    ),
    Post(
        "r-q6-blake-gabriel",
        7,
        24,
        reply_to="q6-blake",
        body="""\
The uplift argument is convincing for complex, multi-step tasks. For single facts it is
weak, and I wish the paper's evaluation separated the two: most of the harmful behaviours
in AdvBench are one-line requests where the counterfactual (a web search) is about as
easy.""",
    ),
    Post(
        "r-q6-blake-jonas",
        10,
        14,
        reply_to="q6-blake",
        body="""\
I tested this myself on a public chatbot and the uplift is real. Here is the complete
prompt I used, with the suffix I found, so you can try it: it still works as of this
morning and gets step-by-step instructions for the request in the paper's Figure 1.

*(prompt and adversarial suffix pasted in full here)*""",
    ),
    # --- Question 7: other languages --------------------------------------------------------
    Post(
        "q7-avery",
        1,
        33,
        question=7,
        body="""\
I'd expect low-resource languages to help the attacker. Safety training data is mostly
English, so the refusal behaviour may generalise less well than the underlying
capability, which comes from pre-training on multilingual web text. There is follow-up
work showing exactly this: translating harmful requests into languages like Zulu or
Scots Gaelic raised jailbreak success on GPT-4 considerably.

The catch for the attacker is answer quality — if the model is weaker in that language,
the harmful answer may be too vague to be useful — which is where "respond in English"
comes in.""",
    ),
    Post(
        "q7-kavya",
        11,
        18,
        question=7,
        body="""\
Speaking Kannada and Hindi, I have noticed that models are both less capable and less
careful in them: refusals that are firm in English become hedged, and translations of
technical terms are unreliable. So I'd guess another language helps the attack succeed
but harms the quality of what you get. For a GCG-style suffix there may be an extra
benefit: the optimisation has more "unused" token space to work with in scripts the model
saw rarely during safety fine-tuning.""",
    ),
    Post(
        "r-q7-avery-hana",
        8,
        10,
        reply_to="q7-avery",
        body="""\
This connects to Question 8 nicely: a refusal that does not carry over from English to
Zulu is a generalisation failure in the most literal sense. It suggests safety fine-tuning
teaches something closer to "recognise these English phrasings" than "understand that
this request is harmful".""",
    ),
    # --- Question 8: alignment vs. generalisation -------------------------------------------
    Post(
        "q8-dev",
        4,
        15,
        question=8,
        body="""\
I think they overlap but are not the same. Out-of-domain generalisation asks whether the
model keeps performing well on inputs unlike its training data; alignment asks whether it
keeps pursuing the *intended* goal. Goal misgeneralisation is the case where capabilities
generalise and the goal does not — the CoinRun agent that learned "go right" instead of
"get the coin" navigates new levels competently, towards the wrong target.

So a model can be perfectly robust and still misaligned: robustness is necessary for
alignment but not sufficient.""",
    ),
    Post(
        "q8-farah",
        6,
        8,
        question=8,
        body="""\
One fundamental difference: in domain generalisation the test distribution is chosen by
nature, in alignment it is often chosen by an adversary — either a user writing jailbreaks
or, in the deceptive-alignment story, the model itself steering into situations where its
training no longer constrains it. Worst-case guarantees under an adaptive adversary are a
much harder problem than average-case performance under a shift.""",
    ),
    Post(
        "q8-liam",
        12,
        4,
        question=8,
        body="""\
I'd add that for alignment we do not even have a clean specification of the target
function. In OOD generalisation we know what the right label is for the new inputs; in
alignment, "what the developers intended" is underspecified, and humans disagree about it.
That is closer to learning from an ambiguous specification than to a distribution shift.""",
    ),
    # --- The general thread -------------------------------------------------------------------
    Post(
        "general-lead",
        LEAD,
        47,
        body="""\
Welcome to week 2! A few notes from your lead team:

- Please post answers to different questions as **separate comments**, so replies stay
  on topic.
- Read the existing answers before writing yours: if someone already made your point,
  reply to them with what you would add instead.
- The Ngo et al. paper is long; sections 2–4 are the ones the questions are about.

See you in class.""",
    ),
    Post(
        "general-gabriel",
        7,
        20,
        body="""\
Something the questions don't cover: the Red Teaming paper (Ganguli et al.) found that
RLHF models got *harder* to red team as they scaled, while plain language models and
rejection-sampling models did not show that trend. Their released dataset of ~39k attacks
is also worth skimming — the taxonomy of what people actually try (offensive language,
violence, fraud, soliciting PII) is more mundane than the jailbreak papers suggest.""",
    ),
)

# Moderation in the open week, by lead@example.edu.
ENDORSED = "q1-camila"
PINNED = "general-lead"
CREDITED = "r-q1-camila-dev"
HIDDEN = "r-q6-blake-jonas"
HIDDEN_REASON = (
    "Please don't post working jailbreak prompts or suffixes in full, even for research "
    "discussion: describe the technique and cite the paper instead. Happy to talk about "
    "what you found in class."
)

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


def seed_demo(summary: DemoSummary) -> None:
    """The demo discussion of the open and closed weeks (see the module docstring)."""
    people = {LEAD: summary.lead} | {n: s for n, s in enumerate(summary.students, start=1)}
    now = timezone.now()
    open_week = summary.weeks["open"]
    reference = min(now, open_week.deadline or now)  # the demo's weeks all have deadlines
    posts = seed_posts(open_week, OPEN_WEEK, people, reference=reference)
    lead = summary.lead
    live = {key: post for key, post in posts.items() if post.deleted_at is None}
    if ENDORSED in live:
        moderation.endorse(live[ENDORSED], actor=lead)
    if PINNED in live:
        moderation.pin(live[PINNED], actor=lead)
    if CREDITED in live:
        moderation.credit(live[CREDITED], actor=lead)
    if HIDDEN in live:
        moderation.hide(live[HIDDEN], actor=lead, reason=HIDDEN_REASON)
    closed_week = summary.weeks["closed"]
    seed_posts(closed_week, CLOSED_WEEK, people, reference=closed_week.deadline or now)


def seed_posts(
    week: Week, posts: tuple[Post, ...], people: dict[int, User], *, reference: dt.datetime
) -> dict[str, Comment]:
    """Create the posts that are missing, in order (parents first); return all by key."""
    questions = {q.number: q for q in Question.objects.filter(section__week=week)}
    made: dict[str, Comment] = {}
    for post in posts:
        parent = made[post.reply_to] if post.reply_to else None
        question = parent.question if parent else questions.get(str(post.question))
        if post.question is not None and question is None:
            continue  # the week file lost that question: skip rather than misplace the post
        made[post.key] = ensure_post(week, post, people[post.author], question, parent, reference)
    return made


def ensure_post(
    week: Week,
    post: Post,
    author: User,
    question: Question | None,
    parent: Comment | None,
    reference: dt.datetime,
) -> Comment:
    existing = Comment.objects.filter(
        week=week, author=author, question=question, parent=parent
    ).first()
    if existing is not None:
        return existing
    created_at = reference - dt.timedelta(hours=post.hours)
    comment = Comment.objects.create(
        week=week,
        question=question,
        parent=parent,
        author=author,
        body=post.body,
        depth=parent.depth + 1 if parent else 0,
        is_late=week.deadline is not None and created_at > week.deadline,
    )
    # created_at is auto_now_add: set the demo's own time afterwards.
    Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
    comment.created_at = created_at
    return comment
