"""Synthetic "AI padding" around real article text: training data for a padding detector.

Scraped pages often carry machine-written sections bolted onto the story by the site's template:
commentary branded with the site's "AI", auto summaries, suggested headlines, analyses of the
article's intent or bias, fact-check verdicts, reader questions, takeaways, tips, glossaries,
closing messages, calls to action, disclaimers... They talk *about* the story (its names and topic
words), hedge, evaluate and recommend, and add no facts of their own.

This module invents such sections around the paragraphs of a real article. Every *family* of
section (:data:`FAMILIES`) has its own heading wordings, its own form (paragraphs, bullets, Q&A,
one-line note, heading-less paragraph...) and its own sentence templates; bodies are composed from
templates with choices (``[a|b]``) and slots filled with the article's own names, topic words and
phrases, so two pages rarely share a sentence. A quarter of the families are held out
(:data:`HELD_OUT_FAMILIES`): their headings and templates are not shared with the training
families (:data:`TRAIN_FAMILIES`), so a detector trained on the latter can be measured on unseen
kinds of padding. The generator reads no files; it is deterministic for a given ``random.Random``.

>>> import random
>>> story = ["Mayor Ana Ruiz opened the new ferry terminal in Port Clare on Monday.",
...          "The ferry terminal cost the council less than planned, Ana Ruiz said."]
>>> page = pad_article("Port Clare gets its ferry terminal", story, random.Random(7), n_sections=2)
>>> [line.text for line in page if line.role == "article"] == story
True
>>> sorted({line.role for line in page})
['article', 'padding', 'title']
>>> any("Ana Ruiz" in line.text or "ferry" in line.text for line in page if line.part == "body")
True

Eyeballing: ``python -m dedupe.train.padding_gen ARTICLE.txt --seed 3`` prints a padded page with
each line's role and family in the margin.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

POSITIONS: Final = ("before", "inside", "after")
FORMS: Final = ("paragraphs", "bullets", "labelled", "qa", "note", "headless", "headline", "meter")

#: Invented names of the "AI" a site brands its commentary with.
BRANDS: Final = (
    "Veritek",
    "NewsPulse",
    "Quillmind",
    "Brightwire",
    "Lumora",
    "ClearFrame",
    "Newsloom",
    "Signalbox",
    "Candorly",
    "InkSight",
    "Parallax Desk",
    "Orbitext",
    "Kestrel AI",
    "Nuance Engine",
)


@dataclass(frozen=True)
class PaddedLine:
    """One line of a padded page.

    ``role`` is "title", "article" or "padding"; ``family`` and ``position`` ("before", "inside",
    "after") are set on padding lines only; ``part`` tells a padding section's "heading" line from
    its "body" lines (a section without a heading line is a heading-less one).
    """

    text: str
    role: str
    family: str | None = None
    position: str | None = None
    part: str | None = None


@dataclass(frozen=True)
class Family:
    """A kind of padding section.

    ``headings`` are base wordings (``{brand}`` marks the brand), styled per page (case, trailing
    colon or dash); a family without headings writes heading-less sections. ``templates`` are the
    body sentences (one-line notes: the note's text; meters: one line each); ``questions`` the
    question templates of Q&A families; ``labels`` the "Label: text" labels of labelled bullets.
    ``positions`` weighs before / inside / after the story; ``items`` is the range of paragraphs,
    bullets or Q&A pairs, ``sentences`` the range of sentences per paragraph, bullet or answer;
    ``headless`` the chance a section drops its heading.
    """

    name: str
    form: str
    kind: str
    headings: tuple[str, ...]
    branded: bool
    templates: tuple[str, ...]
    held_out: bool = False
    questions: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    positions: tuple[float, float, float] = (1.0, 1.0, 1.0)
    items: tuple[int, int] = (1, 2)
    sentences: tuple[int, int] = (2, 4)
    headless: float = 0.0


# --------------------------------------------------------------------------------------------------
# The families. Templates: "[a|b|c]" picks one alternative (nesting allowed), "{slot}" is filled
# from the article (name, name2, topic, topic2, phrase, phrase2, topic_t, phrase_t) or from the
# page (brand) or with a number (pos, neu, neg, conf, score, rating, mins, pct).
# --------------------------------------------------------------------------------------------------

_FAMILY_LIST: Final[tuple[Family, ...]] = (
    # ---------------------------------------------------------------- training families
    Family(
        name="brand_take",
        form="paragraphs",
        kind="brand commentary on the story",
        headings=("What {brand} Thinks", "{brand} Perspective", "The {brand} View", "{brand}'s Take",
                  "How {brand} Reads It"),
        branded=True,
        positions=(1, 2, 6),
        items=(1, 3),
        sentences=(2, 4),
        templates=(
            "At {brand}, we [read|see] the [story|report|coverage] about {name} as [more than a routine "
            "update|a sign of something larger|a telling snapshot of {phrase}].",
            "The [article|report|piece] [does a fair job of|goes some way toward|succeeds in] [framing|"
            "capturing|laying out] the [tension|debate|stakes] around {phrase}.",
            "What [stands out|strikes us] is how [quickly|openly] {name} has become [a reference point|"
            "shorthand] for [wider|broader] [worries|arguments] about {topic}.",
            "[In our view|From where we sit], the [coverage|reporting] leans [heavily|a little too much] on "
            "{name2}, while the [perspective|side] of [those affected|ordinary people] gets [less|too "
            "little] attention.",
            "It would be useful to see [more|clearer] [context|background] on {topic2}, because that is "
            "[where|how] the [story|debate] is likely to be [decided|settled].",
            "[We think|Our sense is that] the [real|underlying] story here is not {topic} as such but what "
            "it [reveals|says] about {phrase2}.",
            "[None of this|Nothing here] is [entirely|wholly] new, yet the [article|report] [captures|"
            "conveys] [a mood|an unease|a momentum] around {name} that [is worth|deserves] [noting|"
            "attention].",
            "For {brand}, the [lesson|takeaway] is [simple|straightforward]: {phrase} [will not|is "
            "unlikely to] [fade|stay quiet] [any time soon|in the near term].",
            "[Readers|Observers] [should|may want to] [weigh|treat] the [claims|details] about {topic} "
            "[with care|cautiously] until [more|fuller] [information|reporting] [emerges|is available].",
            "The [episode|development] [reflects|mirrors] a [familiar|recurring] pattern in which "
            "{topic} and {topic2} [collide|pull in different directions].",
            "[Taken together|All in all], the [piece|report] offers a [useful|solid] [starting point|"
            "primer] [for anyone following|for readers tracking] {phrase}.",
            "[If anything|Arguably], the [story|coverage] [underplays|understates] how [much|far] "
            "{name} [depends on|is tied to] {topic2}.",
        ),
    ),
    Family(
        name="brand_insight",
        form="bullets",
        kind="brand commentary as bullet points",
        headings=("{brand} AI Insight", "Insight by {brand}", "{brand} Notes", "Signals from {brand}",
                  "{brand} Quick Read"),
        branded=True,
        positions=(2, 2, 5),
        items=(3, 6),
        sentences=(1, 1),
        templates=(
            "{name} [sits|remains] at the [centre|heart] of the [story|report], [and|but] the [wider|"
            "bigger] [question|issue] is {phrase}.",
            "The [coverage|article] [suggests|hints] that {topic} [could|may] [become|turn into] a "
            "[flashpoint|talking point] [in the weeks ahead|over the coming months].",
            "[Expect|Watch for] [renewed|more] [attention|scrutiny] on {phrase2}.",
            "[Reactions to|Responses to] {name2} [will likely|may] [shape|colour] how {topic2} is "
            "[perceived|discussed].",
            "The [tone|framing] of the [report|piece] is [measured|cautious|restrained], [with few|"
            "with little in the way of] [firm conclusions|definitive claims].",
            "{brand} [flags|notes] [a gap|an open question] around {topic}: [what happens|who is "
            "responsible] [if|when] [things change|plans shift].",
            "[Short-term|Near-term] [impact|effect]: [moderate|limited|significant] for [anyone "
            "involved in|those close to] {phrase}.",
            "[Long-term|Lasting] [significance|relevance]: [still unclear|hard to judge] [at this stage|"
            "for now].",
            "The [story|article] [connects|links] {topic} to {topic2} [in a way that|in terms that] "
            "[many readers|most audiences] will [recognise|find familiar].",
            "[Key|Main] [actor|figure]: {name}; [key|main] [theme|issue]: {phrase}.",
        ),
    ),
    Family(
        name="auto_summary",
        form="paragraphs",
        kind="automatic summary of the story",
        headings=("{brand} Auto-Summary", "Story in Brief", "Summary at a Glance", "Quick Recap",
                  "The Short Version", "{brand} Recap"),
        branded=True,
        positions=(6, 1, 2),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "The [article|report|story] [describes|outlines|covers] [developments|recent events] "
            "involving {name} and [their connection to|what they mean for] {phrase}.",
            "[It|The piece] [explains|sets out] how {topic} [has become|is now] a [central|pressing] "
            "[concern|issue] [for|among] [those involved|the people affected].",
            "[According to the report|As the article tells it], {name2} [plays|has] a [notable|key] "
            "role in [the situation|events] surrounding {topic2}.",
            "The [story|report] also [touches on|mentions] {phrase2} [and|as well as] the [reactions|"
            "responses] it has [drawn|prompted].",
            "[Overall|In sum|Broadly], the [article|piece] [presents|offers] an [overview|account] of "
            "{phrase} [and|while] [highlighting|pointing to] [what remains uncertain|the open "
            "questions].",
            "[In short|Put simply], {name} [and|together with] {topic} [drive|anchor] the "
            "[narrative|report].",
            "The [report|story] [closes|ends] [by noting|with a note on] [what may come next|the next "
            "steps] for {topic}.",
            "[Readers|The reader] [learn|are told] [why|how] {phrase2} [matters|became relevant] "
            "[now|at this moment].",
            "[Several|A number of] [details|points] about {topic2} are [discussed|mentioned], [though|"
            "but] the [focus|emphasis] [stays|remains] on {name}.",
        ),
    ),
    Family(
        name="suggested_headline",
        form="headline",
        kind="machine-suggested alternative headline",
        headings=("{brand} Suggested Title", "Alternative Headline", "Headline Suggestion",
                  "Proposed Headline", "{brand} Headline Pick"),
        branded=True,
        positions=(8, 1, 1),
        items=(1, 1),
        sentences=(1, 1),
        templates=(
            "{name} and the {phrase_t} [Question|Debate|Dilemma]: [What Comes Next|What It Means|Why "
            "It Matters Now]",
            "[Inside|Behind] the {phrase_t} [Story|Controversy|Push]: {name} [in Focus|Under the "
            "Spotlight]",
            "{topic_t} [at a Crossroads|Under Pressure|in Flux] as {name} [Takes Centre Stage|Draws "
            "Attention]",
            "[How|Why] {name} [Put|Brought] {topic_t} [Back|Firmly] [on the Agenda|in the Headlines]",
            "{phrase_t}: [A Closer Look|Five Things|What We Know] [at|About] [the Role of|] {name}",
            "[From|Between] {topic_t} [to|and] {topic2_t}: [The Story|Inside the Story] [of|Behind] "
            "{name}",
        ),
    ),
    Family(
        name="intent_read",
        form="paragraphs",
        kind="analysis of the article's intent",
        headings=("Purpose of the Piece", "What the Article Is Trying to Do", "Why This Was Written",
                  "Motive Check", "{brand} on Intent"),
        branded=True,
        positions=(1, 2, 5),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "The [article|report] [appears|seems] [designed|intended] to [inform readers about|draw "
            "attention to] {phrase}, [rather than|more than] to [argue|take] a [firm|particular] "
            "[position|side].",
            "[Its|The piece's] [main|primary] [aim|goal] [looks to be|is likely] [raising awareness|"
            "building understanding] of {topic} and [the role of|the part played by] {name}.",
            "By [foregrounding|centring] {name2}, the [writer|author] [invites|encourages] readers to "
            "[see|frame] {topic2} [through a personal lens|in human terms].",
            "[There is|We see] [little|no clear] [sign|evidence] of a [hidden|commercial] agenda, "
            "[although|though] the [choice|selection] of [sources|voices] [inevitably|naturally] "
            "[shapes|steers] the [message|impression].",
            "The [timing|framing] [suggests|indicates] an [effort|intent] to [keep|place] {phrase2} "
            "[in the public eye|on the agenda].",
            "[Ultimately|In the end], the [publication|piece] [seeks|wants] to [prompt|spark] "
            "[reflection|discussion] [on|about] {topic} [among|for] [a general audience|its readers].",
            "[Some|Certain] [passages|sections] [read|come across] as [an attempt|an effort] to "
            "[reassure|caution] readers about {phrase}.",
            "The [intent|purpose] [seems|appears] [largely|mainly] [informational|explanatory], "
            "[with|and] [only|just] [a hint|traces] of [advocacy|persuasion] [around|regarding] "
            "{topic2}.",
        ),
    ),
    Family(
        name="audience_read",
        form="paragraphs",
        kind="analysis of the intended audience",
        headings=("Who This Story Is For", "Intended Readers", "Reader Profile", "Audience Fit"),
        branded=False,
        positions=(1, 2, 5),
        items=(1, 1),
        sentences=(2, 4),
        templates=(
            "The [piece|article] [speaks|is addressed] [most directly|chiefly] to [readers|people] "
            "[with a stake in|who follow] {phrase}.",
            "[It will|It should] [also|equally] [resonate|appeal] with [anyone|those] [curious|"
            "concerned] about {topic} [more broadly|in general].",
            "[Specialists|Close observers] [may find|will likely find] [little|not much] [new|"
            "unfamiliar] here, [but|while] [newcomers|general readers] [get|gain] a [clear|useful] "
            "[entry point|introduction] to {name}.",
            "[Local|Regional] readers [affected by|close to] {topic2} are [a likely|an obvious] "
            "[audience|target].",
            "The [plain|accessible] [language|style] [suggests|implies] [a broad|a general] "
            "[readership|audience] [rather than|instead of] [experts|insiders].",
            "[Decision-makers|Policy watchers] [following|tracking] {name2} [could|might] [also|"
            "equally] [find|take] [value|something] in the [report|article].",
            "[Younger|Casual] readers [may|might] [need|want] [more|extra] [background|context] "
            "on {phrase2} [to follow|to make sense of] [the details|the argument].",
        ),
    ),
    Family(
        name="bias_meter",
        form="meter",
        kind="bias / slant rating",
        headings=("Bias Check", "Slant Meter", "Balance Rating", "{brand} Bias Gauge"),
        branded=True,
        positions=(2, 1, 5),
        items=(3, 5),
        sentences=(1, 1),
        templates=(
            "[Subject|Topic] [assessed|reviewed]: {phrase}",
            "[Lean|Slant]: [Centre|Center|Slightly left|Slightly right|Neutral] ({conf} confidence)",
            "[Balance|Evenness] [score|rating]: {rating}/10",
            "[Main|Most quoted] [voice|source]: {name}",
            "[Loaded|Charged] language: [low|minimal|moderate]",
            "[Viewpoints|Perspectives] [represented|included]: [two|several|a few]",
            "[Note|Comment]: the [rating|score] [reflects|is based on] [wording|word choice] [around|"
            "about] {topic}, not the [facts|events] [themselves|reported].",
            "[Missing|Underrepresented] [angle|perspective]: [critics of|those sceptical of] {topic2}",
        ),
    ),
    Family(
        name="credibility_check",
        form="paragraphs",
        kind="assessment of the article's credibility",
        headings=("Credibility Check", "How Reliable Is This?", "Source Strength", "Trust Assessment"),
        branded=False,
        positions=(1, 2, 5),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "The [report|article] [draws on|relies on] [named|identifiable] [sources|voices] "
            "[such as|including] {name}, which [strengthens|supports] its [credibility|reliability].",
            "[Claims|Statements] about {phrase} are [mostly|largely] [attributed|sourced], [though|"
            "but] [a few|some] [rest on|depend on] [a single|one] [account|source].",
            "[Independent|Outside] [confirmation|verification] of [the details about|the points on] "
            "{topic} [would|could] [further|greatly] [strengthen|improve] the [piece|report].",
            "[Overall|On balance], the [reliability|trustworthiness] [appears|seems] [reasonably|"
            "fairly] [high|solid], [with|given] [few|no obvious] [contradictions|inconsistencies].",
            "[Readers|The reader] [should|may wish to] [note|keep in mind] that [the account of|"
            "details on] {name2} [may|could] [evolve|change] as [more|new] [information|reporting] "
            "[becomes available|emerges].",
            "[Nothing|No part] of the [article|coverage] [seems|appears] [fabricated|invented], "
            "[but|yet] [the framing of|the emphasis on] {topic2} [deserves|invites] [a careful read|"
            "scrutiny].",
            "The [level of|amount of] [detail|specificity] [around|about] {phrase2} [lends|gives] the "
            "[report|story] [weight|plausibility].",
        ),
    ),
    Family(
        name="market_impact",
        form="paragraphs",
        kind="analysis of market / economic impact",
        headings=("Market Ripple", "Possible Market Impact", "What It Could Mean for Markets",
                  "Investor Angle", "{brand} Market Lens"),
        branded=True,
        positions=(1, 2, 6),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "[Direct|Immediate] [market|financial] [effects|consequences] of {phrase} [are likely|"
            "look likely] to be [limited|modest], [though|but] [sentiment|confidence] [could|may] "
            "[shift|move] [at the margins|slightly].",
            "[Businesses|Companies] [tied to|exposed to] {topic} [may|might] [face|see] [renewed|"
            "closer] [scrutiny|attention] from [investors|analysts].",
            "If {name} [keeps|stays] [in the headlines|under the spotlight], [related|adjacent] "
            "[sectors|industries] [could|may] [experience|see] [some|short-lived] [volatility|"
            "swings].",
            "[Investors|Market watchers] [will|are likely to] [watch|monitor] [how|whether] {topic2} "
            "[develops|plays out] [before|ahead of] [adjusting|changing] [positions|expectations].",
            "[Longer term|Over time], the [story|episode] [could|might] [feed into|influence] "
            "[broader|wider] [debates|thinking] about {phrase2} [and its costs|and who pays for it].",
            "[There is|We see] [no|little] [indication|sign] [in the article|in the report] of "
            "[an immediate|a direct] [impact|effect] on [prices|stocks], [but|and] [indirect|second-order] "
            "[effects|consequences] [cannot|should not] be [ruled out|dismissed].",
            "[For|At] {brand}, the [economic|financial] [angle|dimension] [remains|is] [secondary|a "
            "sideline] to the [human|political] [story|side] of {topic}.",
        ),
    ),
    Family(
        name="fact_verdict",
        form="labelled",
        kind="fact-check verdicts",
        headings=("Fact-Check Verdict", "Claim Review", "Verification Status", "Checked by {brand}",
                  "Claims Under the Microscope"),
        branded=True,
        positions=(1, 2, 6),
        items=(2, 4),
        sentences=(1, 1),
        labels=("✔ Verified", "✔ Consistent", "✖ Unconfirmed", "⚠ Needs context", "Mostly accurate",
                "Partly supported", "Unverified", "Plausible"),
        templates=(
            "the [role|involvement] of {name} [as described|as reported] [matches|is consistent "
            "with] [other|wider] [accounts|coverage].",
            "[claims|statements] about {phrase} [could not|cannot yet] be [independently|fully] "
            "[confirmed|checked].",
            "the [link|connection] [between|drawn between] {topic} and {topic2} [rests on|comes from] "
            "[limited|partial] [evidence|sourcing].",
            "[details|figures] [concerning|about] {name2} [appear|seem] [accurate|sound] [but|though] "
            "[lack|miss] [some|important] [context|background].",
            "[no|little] [evidence|indication] [contradicts|undermines] the [article's|report's] "
            "[account|description] of {phrase2}.",
            "the [framing|presentation] of {topic} is [fair|reasonable] [overall|on the whole], "
            "[with|despite] [minor|small] [gaps|omissions].",
        ),
    ),
    Family(
        name="reader_faq",
        form="qa",
        kind="reader questions answered in Q&A form",
        headings=("Readers Ask", "Common Questions", "Your Questions, Answered", "Frequently Asked",
                  "Ask {brand}"),
        branded=True,
        positions=(1, 2, 6),
        items=(2, 5),
        sentences=(1, 3),
        questions=(
            "[What is|What's] [happening|going on] with {phrase}?",
            "Who is {name}[ and why do they matter| and what is their role]?",
            "Why [does|should] {topic} [matter|be of concern] [now|to readers]?",
            "[What happens|What could happen] next [for|with] {topic2}?",
            "How [does|might] this [affect|change things for] [ordinary people|readers|the public]?",
            "Is [there|anything] [more|else] [to know|worth knowing] about {name2}?",
        ),
        templates=(
            "[The article|The report] [suggests|indicates] that {phrase} is [still|currently] "
            "[developing|unfolding], with [key|several] [details|questions] [yet to be|not yet] "
            "[settled|resolved].",
            "{name} is [central|a key figure] [to|in] the [story|report], [and|so] [their|any] "
            "[next steps|decisions] [will|are likely to] [shape|influence] [what follows|the "
            "outcome].",
            "[It|The issue] [matters|is relevant] because {topic} [touches|affects] [many|a wide "
            "range of] [people|readers], [directly or indirectly|in one way or another].",
            "It is [hard|too early] to [say|tell] [for certain|with confidence]; [much|a "
            "lot] [depends|will depend] on [how|whether] {topic2} [develops|is handled].",
            "[Readers|Those affected] [may|might] [notice|feel] [changes|effects] [gradually|over "
            "time] rather than [all at once|immediately].",
            "[The report|The piece] [does not|doesn't] [go into|give] [much|full] detail [on|about] "
            "{name2}, [so|and] [further|more] [reporting|updates] [will|may] [help|clarify].",
            "[Following|Keeping up with] [updates|coverage] on {phrase2} is the [best|simplest] way "
            "to [stay informed|understand the stakes].",
        ),
    ),
    Family(
        name="highlights",
        form="bullets",
        kind="takeaways / highlights as bullets",
        headings=("Highlights", "Main Points", "At a Glance", "What Stands Out", "The Essentials"),
        branded=False,
        positions=(5, 3, 2),
        items=(3, 6),
        sentences=(1, 1),
        templates=(
            "{name} [is|remains] [at the centre of|central to] the [story|report].",
            "{phrase} [is|has become] a [growing|pressing] [concern|talking point].",
            "The [article|report] [highlights|underlines] [the importance|the role] of {topic}.",
            "[Questions|Uncertainty] [remain|persists] [over|about] {topic2}.",
            "{name2} [adds|brings] [another|a further] [dimension|layer] to the [story|debate].",
            "[Reactions|Responses] to {phrase2} [remain|are] [mixed|divided].",
            "[What happens next|The next steps] [will|could] [shape|define] [perceptions|views] of "
            "{topic}.",
            "[Context|Background] [matters|is key]: {topic} did not [emerge|arise] [in isolation|"
            "overnight].",
            "[The stakes|The implications] [extend|reach] [beyond|past] {name} [alone|itself].",
        ),
    ),
    Family(
        name="practical_tips",
        form="bullets",
        kind="practical tips / checklist for readers",
        headings=("Tips for Readers", "How to Stay Informed", "What You Can Do", "Useful Steps",
                  "A Quick Checklist"),
        branded=False,
        positions=(1, 2, 6),
        items=(3, 7),
        sentences=(1, 2),
        templates=(
            "[Follow|Track] [trusted|reliable] [outlets|sources] for [updates|developments] on "
            "{phrase}.",
            "[Read beyond|Look past] the headline [before|when] [sharing|discussing] [news|stories] "
            "about {topic}.",
            "[Compare|Cross-check] [several|different] [accounts|reports] of [what|how] {name} "
            "[said|did].",
            "[Be wary of|Watch out for] [posts|claims] about {topic2} that [lack|give no] [sources|"
            "evidence].",
            "[Talk|Speak] to [people|friends] [with|who have] [different|other] [views|perspectives] "
            "[on|about] {phrase2}.",
            "[Set|Create] [alerts|reminders] [so|to make sure] you [hear about|catch] [changes|new "
            "developments] [quickly|early].",
            "[Check|Review] [the date|when a story was published] [before|prior to] [drawing|"
            "reaching] conclusions.",
            "[Ask|Consider] [how|whether] {topic} [affects|could affect] you [personally|directly].",
            "[Keep notes|Keep track] of [key|main] [names|facts] such as {name} [to|so you can] "
            "[follow|understand] [later|future] [updates|stories].",
        ),
    ),
    Family(
        name="matters_to_you",
        form="paragraphs",
        kind="why the story matters to the reader",
        headings=("Why This Matters to You", "What It Means for You", "Why You Should Care",
                  "The Stakes for Readers"),
        branded=False,
        positions=(3, 3, 3),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "[Even if|Although] you [are not|may not be] [directly|personally] [involved in|affected "
            "by] {phrase}, [its|the] [effects|consequences] [can|may] [reach|touch] [everyday life|"
            "daily routines] [in|through] [subtle|indirect] ways.",
            "[Stories like this|Developments around {topic}] [shape|influence] [decisions|choices] "
            "that [eventually|ultimately] [land|end up] on [your|our] [doorstep|table].",
            "[Understanding|Knowing about] {name} [helps|can help] you [make sense of|follow] "
            "[what comes next|future headlines].",
            "[For many|For some] readers, {topic2} is [not|no longer] an [abstract|distant] "
            "[issue|topic] [but|and is] a [practical|real] [concern|question].",
            "[Staying informed|Paying attention] [now|today] [means|can mean] [fewer|less] "
            "[surprises|confusion] [later|down the line].",
            "[The choices|Decisions] [made|taken] [around|about] {phrase2} [could|may] [affect|shape] "
            "[costs|opportunities|communities] [well beyond|far from] [the story's|its] [setting|"
            "starting point].",
        ),
    ),
    Family(
        name="outlook",
        form="paragraphs",
        kind="outlook / prediction",
        headings=("Looking Ahead", "Outlook", "What Could Come Next", "Forecast", "Our Prediction"),
        branded=False,
        positions=(0.5, 2, 6),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "[In the coming|Over the next few] [weeks|months], {name} [is likely to|will probably] "
            "[remain|stay] [in focus|under scrutiny].",
            "[Much|A great deal] [will depend|depends] on [how|whether] {topic} [is handled|evolves] "
            "[from here|going forward].",
            "[One|A plausible] scenario is that {phrase} [gains|picks up] [momentum|support], [forcing|"
            "prompting] [a response|action] from {name2}.",
            "[Alternatively|On the other hand], [attention|interest] [could|may] [fade|drift] "
            "[once|as] [other|new] [stories|priorities] [emerge|take over].",
            "[We expect|Expect] [further|more] [debate|discussion] [around|over] {topic2} "
            "[before|ahead of] any [resolution|settlement].",
            "[Either way|Whatever happens], {phrase2} [looks set|seems likely] to [stay|remain] "
            "[relevant|on the agenda] [for some time|for a while].",
            "[Predictions|Forecasts] [are|remain] [difficult|uncertain], [but|yet] the [direction|"
            "trend] [points|leans] [toward|towards] [more|closer] [scrutiny|involvement].",
        ),
    ),
    Family(
        name="glossary",
        form="labelled",
        kind="glossary of terms from the story",
        headings=("Terms to Know", "Glossary", "Key Terms Explained", "Vocabulary Corner"),
        branded=False,
        positions=(1, 2, 6),
        items=(2, 5),
        sentences=(1, 1),
        labels=("{topic_t}", "{phrase_t}", "{topic2_t}", "{phrase2_t}", "{name}"),
        templates=(
            "a [term|word] [used|that appears] [throughout|repeatedly in] the [article|report] "
            "[to refer to|to describe] [a central|the main] [theme|issue] of the [story|coverage].",
            "[in this context|here], [the|a] [concept|idea] [tied to|connected with] [the events|"
            "developments] the [article|piece] [describes|covers].",
            "[refers to|points to] [an element|a part] of the [story|report] that [readers|the "
            "reader] [will see|encounter] [mentioned|discussed] [several times|more than once].",
            "[a name|a reference] [that|which] [comes up|recurs] [in connection with|alongside] the "
            "[main|key] [events|questions] of the [article|report].",
            "[shorthand|a label] [for|describing] [one of|a key part of] the [issues|questions] "
            "[at stake|under discussion].",
        ),
    ),
    Family(
        name="closing_message",
        form="paragraphs",
        kind="closing message",
        headings=("Final Thoughts", "A Closing Word", "Parting Thoughts", "To Conclude"),
        branded=False,
        positions=(0, 1, 8),
        items=(1, 1),
        sentences=(2, 4),
        headless=0.2,
        templates=(
            "[In the end|Ultimately], the story of {name} [is a reminder|reminds us] that {topic} "
            "[rarely|seldom] [stays|remains] [simple|straightforward] for long.",
            "[As|While] {phrase} [continues to unfold|keeps developing], [staying|remaining] "
            "[informed|curious] [is|remains] [our best|the best] [tool|way forward].",
            "[Whatever|However] [one thinks|you think] about {topic2}, the [questions|issues] "
            "[raised|explored] [here|in this piece] [deserve|merit] [thoughtful|careful] "
            "[attention|discussion].",
            "[Let us|We should] [keep|hold] [an open mind|perspective] [as|while] [more|new] "
            "[details|facts] [come to light|emerge].",
            "[Thank you for|Thanks for] [reading|spending time with this story], and [for caring about|"
            "for taking an interest in] {phrase2}.",
            "[Stories like this|Moments like these] [show|remind us] [how much|how closely] "
            "[our|everyday] [lives|choices] are [connected to|tied to] {topic}.",
        ),
    ),
    Family(
        name="call_to_action",
        form="paragraphs",
        kind="call to action: share, subscribe, comment",
        headings=("Join the Conversation", "Stay Connected", "Before You Go", "Support Our Work",
                  "Over to You"),
        branded=False,
        positions=(0, 1, 8),
        items=(1, 1),
        sentences=(2, 4),
        headless=0.3,
        templates=(
            "[What do you think|Where do you stand] about {phrase}? [Share|Leave] your [thoughts|"
            "views] in the comments [below|section].",
            "[Share this article with|Forward this story to] [friends|colleagues] who [follow|care about] "
            "{topic}.",
            "[Sign up for|Get] [the|our] [weekly|daily|morning] [briefing|digest] and [never miss|"
            "catch] [the latest|every new] [turn|update] on {name} and [related|similar] [stories|topics].",
            "[Follow us|Join us] on social media [to stay|and stay] [ahead of|up to date with] "
            "[developments|news] [on|about] {topic2}.",
            "[Have a tip|Know more] about {phrase2}? [Get in touch|Contact our team] [and help us|to "
            "help us] [keep|stay] [on top of|across] the story.",
            "[Your support|Every share] [helps|allows] us [keep|to keep] [covering|reporting on] "
            "[stories|issues] like this one.",
            "[Don't miss|Never miss] [an update|a story] — [turn on|enable] [notifications|alerts] "
            "[now|today].",
        ),
    ),
    Family(
        name="generated_notice",
        form="note",
        kind="automated-content disclaimer",
        headings=("Disclaimer", "Automated Content", "About This Overview", "Please Note"),
        branded=True,
        positions=(3, 1, 6),
        items=(1, 1),
        sentences=(1, 2),
        headless=0.4,
        templates=(
            "This [overview|summary] [of the story about {name}|of the {topic} report] was "
            "[generated|produced] [automatically|with the help of AI] [by|using] {brand} and "
            "[may|might] [contain|include] [errors|inaccuracies].",
            "[The|This] [analysis|commentary] [above|below] is [machine-generated|AI-assisted] and "
            "does not [necessarily|always] [reflect|represent] the [views|position] of [the "
            "publisher|our editors].",
            "[Always|Please] [verify|check] [important|key] [details|information] about {phrase} "
            "[with|against] [the original|primary] [sources|reporting].",
            "{brand} [summaries|analyses] are [provided|offered] for [convenience|information] "
            "[only|purposes only].",
            "[Content|Text] [relating to|about] {topic} [was|has been] [reviewed|checked] [by|with] "
            "[automated tools|software] [only|alone].",
        ),
    ),
    Family(
        name="reading_meta",
        form="meter",
        kind="reading time / summary metadata",
        headings=("Article Snapshot", "At-a-Glance Stats", "{brand} Reading Card"),
        branded=True,
        positions=(8, 0, 2),
        items=(2, 4),
        sentences=(1, 1),
        headless=0.3,
        templates=(
            "[Estimated|Approximate] reading time: {mins} [minutes|min]",
            "[Main|Core] [topic|subject]: {phrase}",
            "[People|Names] [mentioned|in this story]: {name}, {name2}",
            "[Complexity|Reading level]: [Easy|Moderate|Intermediate|Advanced]",
            "[Summary|Card] generated by {brand} · [Updated|Refreshed] [automatically|hourly]",
            "[Tags|Themes]: {topic}, {topic2}",
        ),
    ),
    Family(
        name="sentiment_meter",
        form="meter",
        kind="sentiment meter",
        headings=("Sentiment Meter", "Mood of the Story", "Tone Gauge", "{brand} Sentiment"),
        branded=True,
        positions=(3, 1, 5),
        items=(3, 5),
        sentences=(1, 1),
        templates=(
            "Overall [tone|mood]: [Cautious|Measured|Tense|Mixed|Mildly positive|Mildly negative]",
            "Positive {pos}% · Neutral {neu}% · Negative {neg}%",
            "Positive: {pos}% | Neutral: {neu}% | Negative: {neg}%",
            "[Most|Strongest] [emotional|charged] [theme|topic]: {topic}",
            "[Sentiment|Mood] [toward|around] {name}: [neutral|guarded|sympathetic|critical]",
            "[Confidence|Model confidence]: {conf}",
            "[Reader|Audience] [mood|reaction] [forecast|estimate]: [concern|curiosity|unease|hope] "
            "about {phrase}",
        ),
    ),
    Family(
        name="expert_view",
        form="paragraphs",
        kind="generic 'expert opinion' commentary",
        headings=("Expert Opinion", "An Analyst's View", "Expert Perspective", "From the Specialists"),
        branded=False,
        positions=(1, 3, 5),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "[Experts|Specialists] [who follow|familiar with] {topic} [tend to|generally] [agree|"
            "accept] that [situations|cases] like this [rarely|seldom] [resolve|settle] [quickly|"
            "cleanly].",
            "[Many|Several] [analysts|observers] [would|might] [argue|say] that {name} [faces|is "
            "facing] a [delicate|difficult] [balancing act|trade-off] between [competing|different] "
            "[interests|pressures].",
            "[From a professional standpoint|Professionally speaking], the [handling|management] of "
            "{phrase} [offers|provides] [lessons|insights] [for|to] [others|similar cases].",
            "[Scholars|Researchers] [of|studying] {topic2} [often|frequently] [point to|stress] the "
            "[importance|value] of [long-term|careful] [planning|thinking].",
            "[An expert|A seasoned observer] [might|would] [caution|warn] [against|about] "
            "[reading too much into|overinterpreting] [a single|one] [episode|development].",
            "[The consensus|Expert opinion] [appears to be|seems] that {phrase2} [deserves|needs] "
            "[closer|sustained] [attention|study].",
        ),
    ),
    Family(
        name="bottom_line",
        form="paragraphs",
        kind="bottom line",
        headings=("Bottom Line", "The Bottom Line", "Net Result", "In a Nutshell"),
        branded=False,
        positions=(1, 1, 6),
        items=(1, 1),
        sentences=(1, 3),
        headless=0.15,
        templates=(
            "{name} [and|plus] {phrase} [add up to|make for] a [story|situation] [worth watching|"
            "that is far from over].",
            "[The key point|What matters most]: {topic} is [not going away|here to stay] [soon|"
            "any time soon].",
            "[Stripped down|Boiled down], the [article|report] is about {phrase2} and [who|what] "
            "[bears|carries] the [cost|consequences].",
            "[Keep|Stay] [an eye on|alert to] {name2}; [that is|this is] where [the next|any] "
            "[move|shift] [will|is likely to] [come from|begin].",
            "[Simply put|Put plainly], {topic2} [now|today] [matters|counts] more than [before|ever].",
        ),
    ),
    Family(
        name="big_picture",
        form="paragraphs",
        kind="subtle 'bigger picture' generalisation of the story",
        headings=("The Big Picture", "Zooming Out", "Broader Context", "Beyond the Headlines"),
        branded=False,
        positions=(1, 4, 4),
        items=(1, 1),
        sentences=(2, 4),
        headless=0.3,
        templates=(
            "{name} [is part of|belongs to] a [wider|larger] [pattern|trend] in which {topic} "
            "[increasingly|more and more] [shapes|drives] [decisions|outcomes].",
            "[Across|Throughout] [the region|the sector|the world], [similar|comparable] "
            "[tensions|questions] over {phrase} [have played out|keep surfacing] [in different|in "
            "various] [forms|ways].",
            "[What happens|How things unfold] with {name2} [may|could] [set|offer] a [template|"
            "precedent] for [others|similar cases].",
            "{topic_t} and {topic2_t} [have long been|are increasingly] [intertwined|linked], [and|so] "
            "[changes|shifts] in one [tend to|usually] [ripple|spill over] into the other.",
            "[Seen this way|In that light], {phrase2} is [less|not so much] [an isolated|a one-off] "
            "[event|episode] [than|as] [a symptom|a sign] of [deeper|longer-running] [shifts|"
            "changes].",
            "[Over the past decade|In recent years], {topic} has [moved|shifted] from the [margins|"
            "fringes] [toward|to] the [centre|mainstream] of [public|political] [debate|life].",
        ),
    ),
    Family(
        name="seo_keywords",
        form="note",
        kind="SEO keyword blurb",
        headings=("Keywords", "Tags", "Related Searches", "Trending Topics"),
        branded=False,
        positions=(1, 0, 8),
        items=(1, 1),
        sentences=(1, 1),
        templates=(
            "{topic}, {phrase}, {name}, {topic2} [news|updates], [latest|breaking] {topic}[ "
            "2025| news| today|]",
            "{name} [news|latest], {phrase} [explained|analysis], {topic2}, {phrase2}, what is "
            "{topic}",
            "{phrase} · {name} · {topic} [update|coverage] · {topic2} [impact|news] · [top|trending] "
            "stories",
        ),
    ),
    Family(
        name="related_questions",
        form="bullets",
        kind="related questions (questions only)",
        headings=("Related Questions", "People Are Also Wondering", "You Might Also Ask",
                  "Questions Readers Search For"),
        branded=False,
        positions=(1, 2, 6),
        items=(3, 6),
        sentences=(1, 1),
        templates=(
            "What does {phrase} mean for [ordinary people|local residents|everyday readers]?",
            "Who is {name}[ and what is their role|]?",
            "Why is {topic} [in the news|trending|making headlines] [right now|today]?",
            "How [will|could] {name2} [respond|react]?",
            "Is {topic2} [likely to|going to] [change|get worse|improve]?",
            "What [are|were] the [main|key] [causes|reasons] behind {phrase2}?",
            "[Where|How] can I [learn|find out] more about {topic}?",
            "What [happened|has happened] [with|to] {name} [so far|recently]?",
        ),
    ),
    Family(
        name="desk_note",
        form="note",
        kind="editorial note framing the article",
        headings=("A Note From the Desk", "Note to Readers", "Editorial Note", "From Our Editors"),
        branded=False,
        positions=(7, 1, 2),
        items=(1, 1),
        sentences=(1, 2),
        templates=(
            "[This piece|This report|The story below] [looks at|examines|unpacks] {phrase} and "
            "[what it means|why it matters] for [the people involved|readers|communities].",
            "[We|Our team] [revisit|return to] {topic} [here|below], [with|bringing] a [closer|"
            "fresh] look at {name}.",
            "[The following|This] [article|story] [offers|provides] [context|background] on "
            "{topic2} [as|while] [events|developments] [continue to unfold|move quickly].",
            "[Readers|You] [will find|can expect] an [overview|explanation] of {name} [and|along "
            "with] [the questions|the debate] it [raises|has sparked].",
            "[Updates|New details] [will be|may be] [added|included] [as|when] [they|more] "
            "[become available|come in].",
        ),
    ),
    Family(
        name="lone_commentary",
        form="headless",
        kind="heading-less commentary paragraph",
        headings=(),
        branded=False,
        positions=(1, 3, 5),
        items=(1, 2),
        sentences=(2, 5),
        templates=(
            "It is worth [pausing on|stepping back to consider] what the [story|report] about {name} "
            "[really|actually] [tells us|says].",
            "[On the surface|At first glance], {phrase} [looks like|may seem] a [narrow|limited] "
            "[issue|matter], [but|yet] [the details suggest|the account points to] something "
            "[broader|more significant].",
            "[There is|One can sense] a [clear|palpable] [tension|unease] [here|in the account] "
            "between {topic} and {topic2}.",
            "[How|Whether] {name2} [responds|chooses to respond] [will|may] [say|reveal] a great deal "
            "about [priorities|where things stand].",
            "[None of this settles|This does not settle] the [question|debate], [of course|"
            "naturally], [but|and yet] it [sharpens|clarifies] it.",
            "[For now|At this point], the [most|only] [honest|reasonable] [conclusion|reading] is "
            "that {phrase2} [remains|is still] [a work in progress|unresolved].",
            "[Readers|Anyone following this] [would|will] [do well|be wise] to [keep|hold] [both|"
            "several] [perspectives|possibilities] in mind.",
        ),
    ),
    Family(
        name="discussion_prompts",
        form="bullets",
        kind="discussion prompts / talking points",
        headings=("Discussion Questions", "Food for Thought", "Questions to Consider",
                  "Talking Points"),
        branded=False,
        positions=(0.5, 1, 8),
        items=(3, 5),
        sentences=(1, 1),
        templates=(
            "[How should|In what ways should] [society|communities|we] [weigh|balance] {topic} "
            "[against|alongside] {topic2}?",
            "[Does|Did] the [article|report] [treat|present] {name} [fairly|even-handedly]?",
            "What [would|could] [you|your community] [do differently|change] [in light of|given] "
            "{phrase}?",
            "[Which|Whose] [voices|perspectives] [seem|appear] [missing|absent] from the "
            "[coverage|story]?",
            "[Could|Might] {phrase2} [have been|be] [handled|approached] [differently|better]?",
            "What [lessons|conclusions] [might|can] [others|readers] [draw|take] from {name2}?",
        ),
    ),
    # ---------------------------------------------------------------- held-out families
    Family(
        name="persuasion_scan",
        form="paragraphs",
        kind="manipulation / rhetoric analysis",
        held_out=True,
        headings=("Persuasion Techniques", "Rhetoric Scan", "Influence Tactics Review",
                  "Emotional Framing Report"),
        branded=False,
        positions=(1, 2, 6),
        items=(1, 3),
        sentences=(2, 4),
        templates=(
            "[Emotive|Vivid] [wording|phrasing] [surrounding|attached to] {phrase} [nudges|pushes] "
            "the reader [toward|into] a [sympathetic|particular] [reading|interpretation].",
            "The [narrative|writing] [uses|relies on] [a personal angle|individual experience] "
            "[around|centred on] {name}, a [technique|device] that [tends to|usually] [amplify|"
            "heighten] [engagement|emotional response].",
            "[Repetition|Recurring mention] of {topic} [reinforces|cements] its [importance|"
            "salience], [whether or not|even where] the [evidence|sourcing] [fully|entirely] "
            "[warrants|supports] it.",
            "[We|This scan] [detected|found] [moderate|mild|limited] [use|signs] of [loaded|"
            "persuasive] [terms|vocabulary], [mostly|chiefly] in [passages|sentences] [on|about] "
            "{topic2}.",
            "[Selective|Partial] [emphasis|attention] on {name2} [may|could] [leave readers with|give "
            "readers] an [incomplete|one-sided] [picture|impression].",
            "[No|There is no] [overt|blatant] [misinformation|distortion] [is|appears] [present|"
            "evident], [but|although] the [sequence|ordering] of [points|arguments] [steers|guides] "
            "[attention|interpretation] [deliberately|carefully].",
            "[Framing|Presenting] {phrase2} as [urgent|inevitable] [leaves|gives] [little|limited] "
            "[room|space] for [alternative|competing] [readings|explanations].",
        ),
    ),
    Family(
        name="quick_quiz",
        form="qa",
        kind="comprehension quiz in question/answer form",
        held_out=True,
        headings=("Test Your Understanding", "Quick Quiz", "Check Yourself", "{brand} Pop Quiz"),
        branded=True,
        positions=(0.5, 1, 8),
        items=(2, 4),
        sentences=(1, 2),
        questions=(
            "[Which|What] [figure|name] [is most closely linked to|dominates] {phrase}?",
            "[True or false|Agree or disagree]: {topic} [is|was] the [main|central] [theme|subject] "
            "of this [report|article].",
            "[Can you recall|Do you remember] [why|how] {name2} [features|appears] in the [story|"
            "coverage]?",
            "[Name|List] [one|two] [issues|concerns] [raised|mentioned] [about|around] {topic2}.",
            "[According to the story|Based on what you read], [who|what] [is|seems] [most|directly] "
            "affected by {phrase2}?",
        ),
        templates=(
            "[The correct answer|The answer] is {name}, whose [role|involvement] [runs "
            "through|anchors] [most of|much of] the [story|article].",
            "True — {topic} [runs|threads] through [nearly|almost] every [paragraph|section].",
            "[Look back|Scroll back] [at|to] the [middle|opening] of the [article|piece] for [the "
            "passage|the part] on {name2}.",
            "[Any answer|Answers] [mentioning|touching on] {topic2} [or|and] {phrase} [counts|"
            "earns full marks].",
            "[Hint|Tip]: [re-read|revisit] [what the writer says|how the author writes] about "
            "{phrase2}.",
            "[Well done|Nice work] if you [got|remembered] {name} — [that|this] was the [tricky|"
            "harder] one.",
        ),
    ),
    Family(
        name="pros_cons",
        form="bullets",
        kind="strengths and weaknesses of the coverage",
        held_out=True,
        headings=("Pros and Cons", "Strengths and Weaknesses of the Coverage", "Upsides and "
                  "Downsides", "What Works, What Doesn't"),
        branded=False,
        positions=(0.5, 2, 6),
        items=(4, 6),
        sentences=(1, 1),
        templates=(
            "+ [Clear|Accessible] [explanation|walk-through] of {phrase}",
            "+ [Gives|Offers] [space|a voice] to {name}",
            "+ [Useful|Helpful] [background|context] on {topic}",
            "− [Limited|Thin] [detail|depth] on {topic2}",
            "− [Relies|Leans] [heavily|too much] on [one|a single] [account|viewpoint]",
            "− [Does not|Doesn't] [fully|really] [explore|address] {phrase2}",
            "+ [Balanced|Even] [tone|treatment] [overall|throughout]",
            "− [Could|Should] have [included|sought] [responses|comment] from {name2}",
        ),
    ),
    Family(
        name="lone_aside",
        form="headless",
        kind="subtle heading-less generalising paragraph",
        held_out=True,
        headings=(),
        branded=False,
        positions=(0.5, 4, 4),
        items=(1, 1),
        sentences=(2, 4),
        templates=(
            "[Episodes|Situations] like the one involving {name} [tend to|often] [expose|reveal] "
            "[the|some] [fault lines|weak points] [beneath|under] {topic}.",
            "[History|Experience] [suggests|shows] that {phrase} [rarely|hardly ever] [follows|takes] "
            "a [straight|predictable] [line|path].",
            "[Each|Every] [twist|turn] [involving|around] {name2} [adds|brings] [weight|pressure] to "
            "[calls|arguments] for [a rethink|clearer rules].",
            "{topic_t} [seldom|rarely] [exists|stands] [in a vacuum|on its own]; it [is tangled up "
            "with|leans on] {topic2} [in|through] [countless|many] [small|quiet] ways.",
            "[Whoever|Those who] [end up|come out] [shaping|steering] {phrase2} [will|may] [define|"
            "set] the [terms|tone] [for years|for a long time].",
        ),
    ),
    Family(
        name="scenarios",
        form="labelled",
        kind="scenario outlook as labelled bullets",
        held_out=True,
        headings=("Scenarios to Watch", "Possible Paths", "Three Ways This Could Go", "If, Then"),
        branded=False,
        positions=(0.5, 2, 7),
        items=(2, 4),
        sentences=(1, 1),
        labels=("Best case", "Worst case", "Most likely", "Wild card", "Base case"),
        templates=(
            "{name} [secures|wins] [broad|wide] [backing|support] and {phrase} [calms down|"
            "stabilises].",
            "[tensions|frictions] over {topic} [deepen|escalate], [drawing in|pulling in] {name2}.",
            "[slow|gradual] [progress|movement] [on|around] {topic2}, [with|amid] [periodic|"
            "occasional] [setbacks|flare-ups].",
            "an [unexpected|outside] [development|event] [reshapes|redraws] the [debate|picture] "
            "[around|over] {phrase2}.",
            "[things|matters] [drift|stall] [and|while] {topic} [fades|slips] from [view|the "
            "headlines].",
        ),
    ),
    Family(
        name="brand_verdict",
        form="paragraphs",
        kind="brand verdict on the story",
        held_out=True,
        headings=("{brand} Verdict", "The {brand} Angle", "{brand} Weighs In", "Through {brand}'s Eyes"),
        branded=True,
        positions=(1, 2, 6),
        items=(1, 2),
        sentences=(2, 4),
        templates=(
            "{brand}'s [verdict|assessment]: a [solid|competent|thoughtful] [account|treatment] of "
            "{phrase}, [if not|though not quite] a [definitive|complete] one.",
            "[We rate|{brand} rates] the [piece|coverage] [highly|well] for [clarity|readability], "
            "[less so|not as well] for [depth|its treatment] of {topic2}.",
            "The [standout|strongest] [element|section] is the [portrait|treatment] of {name}, "
            "[which brings the broader issue to life|and it gives the abstract question a "
            "human face].",
            "[Where|What] it [falls short|misses] is [in explaining|on] [why|how] {topic} [got|came] "
            "[here|to this point] [in the first place|at all].",
            "[Our|The {brand}] [recommendation|advice]: [read it|worth reading] [alongside|together "
            "with] [other|further] [coverage|accounts] of {name2}.",
            "[Score|Rating]: {score}[ out of 10|/10] — [informative|useful], [balanced|measured], "
            "[but|yet] [incomplete|unfinished] on {phrase2}.",
        ),
    ),
    Family(
        name="automation_notice",
        form="note",
        kind="how-this-page-was-made notice",
        held_out=True,
        headings=("Transparency Statement", "How This Page Was Made", "Automation Notice",
                  "Production Note"),
        branded=True,
        positions=(2, 0, 8),
        items=(1, 1),
        sentences=(1, 2),
        headless=0.3,
        templates=(
            "[Parts|Sections] of this page, [including|such as] the [commentary|notes] on {name}, "
            "were [drafted|assembled] by {brand} and [lightly|briefly] [reviewed|edited] by "
            "[staff|a human editor].",
            "{brand} [assisted|helped] [with|in] [structuring|organising] [this|the] [coverage|"
            "material] [of|about] {phrase}; [errors|mistakes] [may|can] [slip through|occur].",
            "[Spotted|Noticed] [a mistake|an error] [in|about] [the|our] [treatment|handling] of "
            "{topic}? [Let us know|Tell us] [so we can|and we will] [correct|fix] it.",
            "[No|None of the] [reporting|original reporting] [here|on this page] was [generated|"
            "written] by [software|a machine]; [only|just] the [extras|supplementary notes] were.",
        ),
    ),
    Family(
        name="reader_poll",
        form="bullets",
        kind="interactive reader poll",
        held_out=True,
        headings=("Reader Poll", "Have Your Say", "Cast Your Vote", "Quick Poll"),
        branded=False,
        positions=(0.5, 2, 7),
        items=(3, 5),
        sentences=(1, 1),
        templates=(
            "[Do you think|Is it likely that] {name} [will|can] [handle|manage] {phrase} [well|"
            "successfully]?",
            "[Should|Must] {topic} [be|get] a [bigger|higher] [priority|concern] [for|among] "
            "[decision-makers|leaders]?",
            "Yes — {topic2} [deserves|needs] more [attention|focus]",
            "No — [the coverage|this story] [overstates|exaggerates] [it|the issue]",
            "[Not sure|Undecided] / [need more information|waiting for more details]",
            "[Vote|Pick an option] [and see|to see] [what others think|the results] [about|on] "
            "{phrase2}",
            "[Results|Poll results] [so far|to date]: {pct}% [agree|say yes]",
        ),
    ),
    Family(
        name="relevance_index",
        form="meter",
        kind="relevance / impact scorecard",
        held_out=True,
        headings=("Impact Score", "Relevance Index", "{brand} Scorecard", "Story Signal Strength"),
        branded=True,
        positions=(2, 1, 6),
        items=(3, 5),
        sentences=(1, 1),
        templates=(
            "[Relevance|Newsworthiness]: {rating}/10",
            "[Urgency|Time sensitivity]: [Low|Medium|High|Rising]",
            "[Scope|Reach] of impact: [local|regional|national|global]",
            "[Primary|Leading] [entity|actor]: {name} ▸ [theme|issue]: {phrase}",
            "[Watch level|Attention level] [for|on] {topic}: [elevated|steady|moderate]",
            "[Signal|Confidence] score: {score}",
            "[Second-order|Knock-on] [theme|issue]: {topic2}",
        ),
    ),
)

FAMILIES: Final[dict[str, Family]] = {f.name: f for f in _FAMILY_LIST}
TRAIN_FAMILIES: Final[tuple[str, ...]] = tuple(f.name for f in _FAMILY_LIST if not f.held_out)
HELD_OUT_FAMILIES: Final[tuple[str, ...]] = tuple(f.name for f in _FAMILY_LIST if f.held_out)

#: Openers put before a body sentence (not the first of a paragraph) now and then.
_CONNECTIVES: Final = (
    "Overall, ", "In short, ", "At the same time, ", "That said, ", "Still, ", "Notably, ",
    "Beyond that, ", "Crucially, ", "In many ways, ", "Ultimately, ", "On balance, ", "Equally, ",
    "Meanwhile, ", "Importantly, ", "Even so, ", "Put differently, ",
)
_ARTICLE_SLOTS: Final = frozenset(
    {"name", "name2", "topic", "topic2", "phrase", "phrase2", "topic_t", "topic2_t", "phrase_t",
     "phrase2_t"}
)

# --------------------------------------------------------------------------------------------------
# What the article is about: its names, frequent content words and repeated two-word phrases.
# --------------------------------------------------------------------------------------------------

_STOP: Final = frozenset(
    """a about above according across actually after again against ago ahead all almost along also
    although always am among an and another any anyone anything are around as at away back be became
    because become becomes been before began behind being below best better between beyond both
    but by came can cannot could did do does doing done down during each early either else end
    enough even ever every few first for found from further gave get gets getting give given go
    going gone good got great had has have having he her here hers herself him himself his how
    however i if in including inside instead into is it its itself just keep known last later least
    less let like likely made make makes making many may me might more most much must my near need
    never new next no none nor not now of off often on once one only onto or other others our out
    over own part per perhaps put rather really said same saw say says see seen set several shall
    she should show shown since so some something soon still such take taken than that the their
    them themselves then there these they thing things this those though three through thus to
    together too took toward towards two under until up upon us use used very via was way ways we
    well went were what whatever when where whether which while who whom whose why will with within
    without would yet you your yours also told tell asked added noted stated announced reported
    according wrote writes want wants wanted called calls call come comes came around whole
    including lot lots today yesterday tomorrow year years month months week weeks day days time
    times people person percent million billion thousand hundred mr mrs ms dr however already
    although another around become becoming behind believe believed better different done each
    high higher large larger long longer low lower major many right small smaller still sure
    able among said says throughout based within whose whom thereby toward onto amid amidst
    upon else ones overall various certain especially whether""".split()
)
_CAP_STOP: Final = frozenset(
    """The A An In On At But And Or So Yet For From With By To Of As If When While After Before This
    That These Those It Its He She They We I You His Her Their Our My Your There Here What Who Why
    How Where Which Some Many Most Every Each One Two Three Also Then Now However Although Though
    Despite During Since Until Because Meanwhile Instead Still Even Just Only Not No Yes Mr Mrs Ms
    Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Photo Image Read More Click Share""".split()
)
_TOKEN: Final = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’&\-]*|[.!?;:,\"“”()]")
_SENTENCE_END: Final = frozenset(".!?;:\"“”()")
_DETERMINERS: Final = frozenset(
    "the a an this that these those their its our your his her my any every each some no".split()
)
_NAME_JOINERS: Final = frozenset({"of", "de", "van", "von", "al", "la", "le", "du", "da", "del", "bin"})
_SMALL_WORDS: Final = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on",
                                 "or", "the", "to", "vs", "via"})


@dataclass(frozen=True)
class _Terms:
    """What the padding talks about: the article's names, topic words and phrases, best first."""

    names: tuple[str, ...]
    topics: tuple[str, ...]
    phrases: tuple[str, ...]


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _title_case_line(tokens: Sequence[str]) -> bool:
    """A heading-like line ("Tip #2: Mix Your Cuisines"): most of its words are capitalised."""
    words = [t for t in tokens if t[0].isalpha()]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) / len(words) > 0.6


def _close_run(run: list[str]) -> str | None:
    """The name a run of capitalised words makes, without joiners or function words at its ends."""
    while run and (run[-1].lower() in _NAME_JOINERS or run[-1] in _CAP_STOP):
        run.pop()
    while run and (run[0] in _CAP_STOP or run[0].lower() in _NAME_JOINERS):
        run.pop(0)
    if not run or len(run) > 4:
        return None
    name = " ".join(run)
    return name if len(run) > 1 or len(name) > 2 else None


def article_terms(paragraphs: Sequence[str]) -> _Terms:
    """The names (capitalised runs), topic words and repeated phrases of the article, best first.

    >>> t = article_terms(["Ana Ruiz opened the ferry terminal.",
    ...                    "The ferry terminal was cheap, Ana Ruiz said."])
    >>> (t.names[0], t.topics[0], t.phrases[0])
    ('Ana Ruiz', 'ferry', 'ferry terminal')
    """
    names: Counter[str] = Counter()
    mid_sentence: set[str] = set()  # one-word names seen away from a sentence start
    topics: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    determined: set[str] = set()  # words seen after "the", "a", "their"...: nouns, not adjectives
    # Words the article also writes in lower case: "Graduates of ASU Online" at a sentence start
    # is the name "ASU Online".
    common = {t for p in paragraphs for t in _TOKEN.findall(p) if t[:1].islower()} | _STOP

    def add_name(run: list[str], at_start: bool, heading_like: bool) -> None:
        if at_start:
            while run and run[0].lower() in common:
                run = run[1:]
        name = None if heading_like else _close_run(run)
        if name is not None:
            names[name] += 1
            if not at_start:
                mid_sentence.add(name)

    for paragraph in paragraphs:
        tokens = _TOKEN.findall(paragraph)
        heading_like = _title_case_line(tokens)
        run: list[str] = []
        run_at_start = False
        sentence_start = True
        prev: str | None = None
        last = ""
        for tok in tokens:
            if last in _DETERMINERS:
                determined.add(tok.lower())
            last = tok.lower()
            if tok[0] in _SENTENCE_END:
                add_name(run, run_at_start, heading_like)
                run, prev = [], None
                sentence_start = tok in ".!?:;\"“”"
                continue
            word = _strip_possessive(tok)
            if word[:1].isupper() and "'" not in word and "’" not in word:  # not "I've", "Don't"
                if not run:
                    run_at_start = sentence_start
                run.append(word)
                prev = None
            elif run and word in _NAME_JOINERS:
                run.append(word)
            else:
                add_name(run, run_at_start, heading_like)
                run = []
                low = word.lower()
                if len(low) >= 4 and low not in _STOP and not low.endswith("ly") and low.isalpha():
                    topics[low] += 1
                    if prev is not None:
                        pairs[f"{prev} {low}"] += 1
                    prev = low
                else:
                    prev = low if len(low) >= 3 and low not in _STOP and low.isalpha() else None
            if tok != word:  # a possessive ends the name
                add_name(run, run_at_start, heading_like)
                run = []
            sentence_start = False
        add_name(run, run_at_start, heading_like)

    def score(name: str) -> float:
        return names[name] * (1 + 0.5 * name.count(" "))

    ranked: list[str] = []
    for name in sorted(names, key=lambda n: (-score(n), n)):
        if " " not in name and name not in mid_sentence:
            continue  # "Couples often assume...": capitalised only because it starts a sentence
        if any(name in other.split() for other in ranked):
            continue  # "Ruiz" when "Ana Ruiz" is there
        ranked.append(name)
    def noun_weight(word: str) -> float:
        """Slots want nouns ("health", "tariffs"); "dental" or "using" read badly there."""
        plural = word.endswith("s") and not word.endswith(("ss", "us", "is"))
        return 1.0 if word in determined or plural else 0.4

    ranked_topics = sorted(topics, key=lambda w: (-topics[w] * noun_weight(w), w))
    repeated = [p for p in pairs if pairs[p] >= 2]
    if not repeated:
        top = set(ranked_topics[:8])
        repeated = [p for p in pairs if all(w in top for w in p.split())]
    ranked_phrases = sorted(repeated, key=lambda p: (-pairs[p] * noun_weight(p.split()[1]), p))
    return _Terms(tuple(ranked[:8]), tuple(ranked_topics[:10]), tuple(ranked_phrases[:6]))


# --------------------------------------------------------------------------------------------------
# Composition.
# --------------------------------------------------------------------------------------------------

_CHOICE: Final = re.compile(r"\[([^\[\]]*)\]")
_SLOT: Final = re.compile(r"\{(\w+)\}")


def expand_choices(template: str, rng: random.Random) -> str:
    """Resolve every ``[a|b|c]`` group of ``template`` (innermost first) to one alternative.

    >>> expand_choices("[one|one]-[two|two]", random.Random(0))
    'one-two'
    """
    while True:
        match = _CHOICE.search(template)
        if match is None:
            return template
        option = rng.choice(match.group(1).split("|"))
        template = template[: match.start()] + option + template[match.end():]


def _title(text: str) -> str:
    words = text.split()
    return " ".join(
        w if (i and w.lower() in _SMALL_WORDS) or w[:1].isupper() else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


class _Filler:
    """Fills a section's slots: the article's terms (picked among the best few), brand, numbers."""

    def __init__(self, terms: _Terms, rng: random.Random, brand: str) -> None:
        self.rng = rng
        self.brand = brand
        topics = terms.topics or ("story",)
        phrases = terms.phrases or topics
        names = terms.names or phrases
        self.pools = {"name": names[:4], "topic": topics[:6], "phrase": phrases[:4]}

    def _pick(self, pool: str, avoid: str | None) -> str:
        options = [w for w in self.pools[pool] if w != avoid] or list(self.pools[pool])
        # The best terms come up most: weights 1, 1/2, 1/3...
        return self.rng.choices(options, weights=[1 / (i + 1) for i in range(len(options))])[0]

    def numbers(self) -> dict[str, str]:
        rng = self.rng
        pos = rng.randint(5, 45)
        neg = rng.randint(5, 95 - pos)
        return {
            "pos": str(pos), "neg": str(neg), "neu": str(100 - pos - neg),
            "conf": f"{rng.uniform(0.55, 0.97):.2f}", "score": f"{rng.uniform(4.5, 9.5):.1f}",
            "rating": str(rng.randint(4, 9)), "mins": str(rng.randint(2, 12)),
            "pct": str(rng.randint(12, 88)),
        }

    def fill(self, template: str) -> str:
        """Choices resolved, slots filled."""
        return self.slots(expand_choices(template, self.rng))

    def slots(self, text: str) -> str:
        """Slots filled (two slots of one kind, ``{name}`` and ``{name2}``, differ when they can)."""
        values: dict[str, str] = {"brand": self.brand, **self.numbers()}
        for base in ("name", "topic", "phrase"):
            first = self._pick(base, None)
            values[base] = first
            values[base + "2"] = self._pick(base, first)
        for key in ("topic", "topic2", "phrase", "phrase2"):
            values[key + "_t"] = _title(values[key])
        return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _has_article_slot(template: str) -> bool:
    return any(slot in _ARTICLE_SLOTS for slot in _SLOT.findall(template))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


_OPENER: Final = re.compile(r"[\w'’{}-]+(?: [\w'’{}-]+){0,3},")


def _sentence(template: str, filler: _Filler, connective: bool) -> str:
    """A body sentence, now and then after a connective ("That said, the article...")."""
    expanded = expand_choices(template, filler.rng)
    text = filler.slots(expanded)
    # No connective before a name ("{name} ...") or before an opener of its own ("Overall, ...").
    own_start = expanded.startswith("{") or _OPENER.match(expanded) or text[1:2].isupper()
    if connective and not own_start:
        return filler.rng.choice(_CONNECTIVES) + text[:1].lower() + text[1:]
    return _capitalise(text)


def _pick_templates(templates: Sequence[str], k: int, rng: random.Random) -> list[str]:
    """``k`` distinct templates (fewer if there are not so many), the first one naming the article."""
    with_slot = [t for t in templates if _has_article_slot(t)]
    first = rng.choice(with_slot) if with_slot else rng.choice(list(templates))
    rest = [t for t in templates if t != first]
    return [first, *rng.sample(rest, min(k - 1, len(rest)))]


def style_heading(wording: str, brand: str, rng: random.Random) -> str:
    """A heading wording as a page would print it: case and trailing punctuation vary.

    >>> sorted({style_heading("What {brand} Thinks", "Lumora", random.Random(i)).rstrip(":—–- ")
    ...         for i in range(20)})
    ['WHAT LUMORA THINKS', 'What Lumora Thinks', 'What Lumora thinks']
    """
    case = rng.choices(("title", "upper", "sentence"), weights=(6, 2, 2))[0]
    parts = re.split(r"(\{brand\})", wording)
    out: list[str] = []
    for i, part in enumerate(parts):
        if part == "{brand}":
            out.append(brand.upper() if case == "upper" else brand)
        elif case == "upper":
            out.append(part.upper())
        elif case == "sentence":
            low = part.lower()
            out.append(_capitalise(low) if i == 0 else low)
        else:
            out.append(part)
    text = "".join(out)
    if text.endswith("?"):
        return text
    return text + rng.choices(("", ":", " —", " -", " –"), weights=(5, 4, 1, 1, 1))[0]


_BULLETS: Final = ("• ", "- ", "* ", "– ", "· ")


def _bullet_maker(rng: random.Random, numbered_ok: bool = True) -> list[str]:
    """Markers for the items of one list (all the same, or 1. 2. 3.)."""
    indent = rng.choices(("", "  "), weights=(4, 1))[0]
    if numbered_ok and rng.random() < 0.3:
        style = rng.choice(("{}.", "{})", "{}."))
        return [indent + style.format(i) + " " for i in range(1, 20)]
    marker = rng.choices(_BULLETS, weights=(4, 3, 2, 1, 1))[0]
    return [indent + marker] * 19


def _paragraph(templates: list[str], filler: _Filler, n: int) -> str:
    out: list[str] = []
    for i in range(n):
        if not templates:
            break
        out.append(_sentence(templates.pop(0), filler, connective=i > 0 and filler.rng.random() < 0.3))
    return " ".join(out)


def _list_items(family: Family, filler: _Filler, n_items: int) -> list[str]:
    """Bullets ("• text", "1. text"), or "Label: text" items with or without markers."""
    rng = filler.rng
    templates = _pick_templates(family.templates, n_items, rng)
    # Lists whose items carry their own sign ("+ ...", "Yes — ...") are not numbered.
    numbered_ok = not any(t.startswith(("+", "−", "Yes", "No")) for t in family.templates)
    markers = _bullet_maker(rng, numbered_ok)
    if family.form == "labelled" and rng.random() < 0.35:
        markers = [""] * len(markers)
    labels = list(family.labels)
    rng.shuffle(labels)
    lines: list[str] = []
    seen: set[str] = set()
    for template in templates:
        if template.startswith(("+", "−")):
            lines.append(_capitalise(filler.fill(template)))
            continue
        if family.form == "bullets":
            lines.append(markers[len(lines)] + _sentence(template, filler, False))
            continue
        label = ""
        while labels and (not label or label in seen):
            label = filler.fill(labels.pop())
        if not label or label in seen:
            break
        seen.add(label)
        text = filler.fill(template)
        if rng.random() < 0.5:
            text = _capitalise(text)
        lines.append(f"{markers[len(lines)]}{label}: {text}")
    return lines


def _body(family: Family, filler: _Filler) -> list[str]:
    rng = filler.rng
    n_items = rng.randint(*family.items)
    form = family.form
    if form in ("paragraphs", "headless"):
        counts = [rng.randint(*family.sentences) for _ in range(n_items)]
        templates = _pick_templates(family.templates, sum(counts), rng)
        paragraphs = [_paragraph(templates, filler, c) for c in counts]
        return [p for p in paragraphs if p]
    if form in ("bullets", "labelled"):
        return _list_items(family, filler, n_items)
    if form == "qa":
        questions = _pick_templates(family.questions, n_items, rng)
        answers = list(family.templates)
        rng.shuffle(answers)
        style = rng.choice(("Q: {q}|A: {a}", "Q{i}: {q}|A: {a}", "{q}|{a}", "Question: {q}|Answer: {a}",
                            "Q{i}. {q}|A{i}. {a}"))
        lines = []
        for i, question in enumerate(questions, 1):
            q = _capitalise(filler.fill(question))
            k = rng.randint(*family.sentences)
            picked = [answers.pop() for _ in range(min(k, len(answers)))] or [rng.choice(family.templates)]
            a = " ".join(_sentence(t, filler, j > 0 and rng.random() < 0.25) for j, t in enumerate(picked))
            q_line, a_line = style.format(i=i, q=q, a=a).split("|", 1)
            lines += [q_line, a_line]
        return lines
    if form == "note":
        k = rng.randint(*family.sentences)
        templates = _pick_templates(family.templates, k, rng)
        return [" ".join(_sentence(t, filler, j > 0 and rng.random() < 0.3) for j, t in enumerate(templates))]
    if form == "headline":
        text = filler.fill(rng.choice(family.templates))
        text = re.sub(r"\s+", " ", text).replace(" :", ":").strip()
        quotes = rng.choices(('"{}"', "“{}”", "{}"), weights=(3, 2, 3))[0]
        return [quotes.format(text)]
    if form == "meter":
        templates = _pick_templates(family.templates, n_items, rng)
        marker = rng.choices(("", "▪ ", "- "), weights=(5, 1, 1))[0]
        return [marker + _capitalise(filler.fill(t)) for t in templates]
    raise ValueError(f"unknown form {form!r} of family {family.name!r}")


def _section(
    family: Family, terms: _Terms, rng: random.Random, brand: str
) -> tuple[str | None, list[str]]:
    filler = _Filler(terms, rng, brand)
    body = _body(family, filler)
    if not family.headings or rng.random() < family.headless:
        return None, body
    heading = style_heading(rng.choice(family.headings), brand, rng)
    if family.form == "note":  # the heading is the note's own label: "Please note: ..."
        label = heading.rstrip(":—–- ")
        sep = rng.choices((": ", " — ", " – "), weights=(6, 1, 1))[0]
        return None, [label + sep + body[0], *body[1:]]
    return heading, body


def padding_section(
    family: str, article: Sequence[str], rng: random.Random, brand: str | None = None
) -> list[str]:
    """The lines of one padding section of ``family`` about the ``article``'s paragraphs.

    >>> story = ["Ana Ruiz opened the ferry terminal in Port Clare.",
    ...          "The ferry terminal cost less, Ana Ruiz said."]
    >>> lines = padding_section("highlights", story, random.Random(2))
    >>> len(lines) >= 4
    True
    """
    fam = FAMILIES[family]
    heading, body = _section(fam, article_terms(article), rng, brand or rng.choice(BRANDS))
    return [heading, *body] if heading is not None else body


def pad_article(
    title: str | None,
    paragraphs: Sequence[str],
    rng: random.Random,
    families: Sequence[str] = TRAIN_FAMILIES,
    n_sections: int | None = None,
) -> list[PaddedLine]:
    """The article (title, then paragraphs unchanged and in order) with 1-4 padding sections of
    ``families`` (distinct) before it, between its paragraphs or after it.

    One brand per page. ``n_sections`` fixes the number of sections (capped by the families given).
    """
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown padding families: {unknown}")
    if n_sections is not None and n_sections < 0:
        raise ValueError("n_sections must be >= 0")
    paragraphs = list(paragraphs)
    terms = article_terms(([title] if title else []) + paragraphs)
    n = n_sections if n_sections is not None else rng.choices((1, 2, 3, 4), weights=(4, 3, 2, 1))[0]
    chosen = rng.sample(list(dict.fromkeys(families)), min(n, len(set(families))))
    brand = rng.choice(BRANDS)
    before: list[PaddedLine] = []
    after: list[PaddedLine] = []
    inside: dict[int, list[PaddedLine]] = {}
    for name in chosen:
        fam = FAMILIES[name]
        position = rng.choices(POSITIONS, weights=fam.positions)[0]
        if position == "inside" and len(paragraphs) < 2:
            position = "after"
        heading, body = _section(fam, terms, rng, brand)
        lines = [PaddedLine(heading, "padding", name, position, "heading")] if heading is not None else []
        lines += [PaddedLine(text, "padding", name, position, "body") for text in body]
        if position == "before":
            before += lines
        elif position == "after":
            after += lines
        else:
            inside.setdefault(rng.randint(1, len(paragraphs) - 1), []).extend(lines)
    page: list[PaddedLine] = [PaddedLine(title, "title")] if title else []
    page += before
    for i, paragraph in enumerate(paragraphs):
        page += inside.get(i, [])
        page.append(PaddedLine(paragraph, "article"))
    return page + after


def main(argv: Sequence[str] | None = None) -> int:
    """Print a padded page for eyeballing: role, family and position in the margin."""
    parser = argparse.ArgumentParser(prog="python -m dedupe.train.padding_gen", description=main.__doc__)
    parser.add_argument("article", type=Path, help="a text file, one paragraph per line")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--title", default=None, help="a title to put above the article")
    parser.add_argument("--sections", type=int, default=None, help="number of padding sections")
    parser.add_argument("--families", choices=("train", "held-out", "all"), default="all")
    parser.add_argument("--family", action="append", default=None, help="only these families")
    args = parser.parse_args(argv)
    text = args.article.read_text(encoding="utf-8")
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if args.family:
        families: Sequence[str] = args.family
    else:
        families = {"train": TRAIN_FAMILIES, "held-out": HELD_OUT_FAMILIES,
                    "all": TRAIN_FAMILIES + HELD_OUT_FAMILIES}[args.families]
    page = pad_article(args.title, paragraphs, random.Random(args.seed), families, args.sections)
    for line in page:
        margin = line.role if line.role != "padding" else f"{line.family}/{line.position}"
        mark = "#" if line.part == "heading" else " "
        text = line.text if line.role == "padding" or len(line.text) <= 100 else line.text[:97] + "..."
        print(f"{margin:>30} {mark} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
