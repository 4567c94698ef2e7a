"""The open week's answers and replies to questions 5–8, on "Universal and Transferable
Adversarial Attacks on Aligned Language Models"."""

from __future__ import annotations

from demo.posts.post import Post

ATTACK_POSTS: tuple[Post, ...] = (
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
)
