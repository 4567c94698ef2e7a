"""Fill the Spirit forum with one topic of N posts from 40 users (the text of Seminar's
bench_week answers and replies, rendered by Spirit's own markdown as posting would), and
print the topic's path and a logged-in user's Cookie header. (How many posts a page shows
is Spirit's "comments per page" setting: 20 by default, at most 100.)

Run by bench/forum_compare.sh with Spirit's manage.py: `manage.py shell < spirit_seed.py`
with POSTS and POST_TEXTS (a JSON file of the answer and reply texts) in the environment.
"""

import json
import os
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from spirit.category.models import Category
from spirit.comment.models import Comment
from spirit.core.utils.markdown import Markdown
from spirit.topic.models import Topic
from spirit.user.models import UserProfile

POSTS = int(os.environ.get("POSTS", "300"))
# The answer and reply texts of Seminar's bench_week, written out by forum_compare.sh.
TEXTS = json.loads(Path(os.environ["POST_TEXTS"]).read_text())
ANSWER, REPLY = TEXTS["answer"], TEXTS["reply"]

User = get_user_model()
users = [
    User.objects.create_user(username=f"student{i}", email=f"s{i}@example.invalid")
    for i in range(40)
]
UserProfile.objects.filter(user__in=users).update(is_verified=True)
category = Category.objects.create(title="Week 1", description="The benchmark week")
topic = Topic.objects.create(user=users[0], category=category, title="Benchmark week")
replies = POSTS // 4
bodies = [ANSWER.format(topic=f"topic {i}", n=i % 7 + 1) for i in range(POSTS - replies)]
bodies += [REPLY.format(topic=f"topic {i}", n=i % 7 + 1) for i in range(replies)]
Comment.objects.bulk_create(
    Comment(
        user=users[i % len(users)], topic=topic, comment=body, comment_html=Markdown().render(body)
    )
    for i, body in enumerate(bodies)
)
Topic.objects.filter(pk=topic.pk).update(comment_count=len(bodies))

store = import_module(settings.SESSION_ENGINE).SessionStore()
reader = users[-1]
store[SESSION_KEY] = str(reader.pk)
store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
store[HASH_SESSION_KEY] = reader.get_session_auth_hash()
store.create()
print("SEED", topic.get_absolute_url(), f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
