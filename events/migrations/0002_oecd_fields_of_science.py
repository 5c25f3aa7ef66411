"""Loads the OECD Fields of Science and Technology (Frascati Manual 2015, annex) with the
Vietnamese names used by Vietnam's national classification of S&T fields."""

from django.db import migrations

FIELDS = [
    ("1", "Natural sciences", "Khoa học tự nhiên"),
    ("1.1", "Mathematics", "Toán học"),
    ("1.2", "Computer and information sciences", "Khoa học máy tính và thông tin"),
    ("1.3", "Physical sciences", "Vật lý"),
    ("1.4", "Chemical sciences", "Hóa học"),
    ("1.5", "Earth and related environmental sciences", "Khoa học trái đất và môi trường liên quan"),
    ("1.6", "Biological sciences", "Sinh học"),
    ("1.7", "Other natural sciences", "Khoa học tự nhiên khác"),
    ("2", "Engineering and technology", "Khoa học kỹ thuật và công nghệ"),
    ("2.1", "Civil engineering", "Kỹ thuật dân dụng"),
    (
        "2.2",
        "Electrical engineering, electronic engineering, information engineering",
        "Kỹ thuật điện, kỹ thuật điện tử, kỹ thuật thông tin",
    ),
    ("2.3", "Mechanical engineering", "Kỹ thuật cơ khí"),
    ("2.4", "Chemical engineering", "Kỹ thuật hóa học"),
    ("2.5", "Materials engineering", "Kỹ thuật vật liệu"),
    ("2.6", "Medical engineering", "Kỹ thuật y học"),
    ("2.7", "Environmental engineering", "Kỹ thuật môi trường"),
    ("2.8", "Environmental biotechnology", "Công nghệ sinh học môi trường"),
    ("2.9", "Industrial biotechnology", "Công nghệ sinh học công nghiệp"),
    ("2.10", "Nano-technology", "Công nghệ nano"),
    ("2.11", "Other engineering and technologies", "Kỹ thuật và công nghệ khác"),
    ("3", "Medical and health sciences", "Khoa học y, dược"),
    ("3.1", "Basic medicine", "Y học cơ sở"),
    ("3.2", "Clinical medicine", "Y học lâm sàng"),
    ("3.3", "Health sciences", "Khoa học sức khỏe"),
    ("3.4", "Medical biotechnology", "Công nghệ sinh học trong y học"),
    ("3.5", "Other medical sciences", "Khoa học y, dược khác"),
    ("4", "Agricultural and veterinary sciences", "Khoa học nông nghiệp"),
    ("4.1", "Agriculture, forestry, and fisheries", "Trồng trọt, lâm nghiệp và thủy sản"),
    ("4.2", "Animal and dairy science", "Chăn nuôi"),
    ("4.3", "Veterinary science", "Thú y"),
    ("4.4", "Agricultural biotechnology", "Công nghệ sinh học trong nông nghiệp"),
    ("4.5", "Other agricultural sciences", "Khoa học nông nghiệp khác"),
    ("5", "Social sciences", "Khoa học xã hội"),
    ("5.1", "Psychology and cognitive sciences", "Tâm lý học và khoa học nhận thức"),
    ("5.2", "Economics and business", "Kinh tế và kinh doanh"),
    ("5.3", "Education", "Khoa học giáo dục"),
    ("5.4", "Sociology", "Xã hội học"),
    ("5.5", "Law", "Pháp luật"),
    ("5.6", "Political science", "Khoa học chính trị"),
    ("5.7", "Social and economic geography", "Địa lý kinh tế và xã hội"),
    ("5.8", "Media and communications", "Thông tin đại chúng và truyền thông"),
    ("5.9", "Other social sciences", "Khoa học xã hội khác"),
    ("6", "Humanities and the arts", "Khoa học nhân văn"),
    ("6.1", "History and archaeology", "Lịch sử và khảo cổ học"),
    ("6.2", "Languages and literature", "Ngôn ngữ học và văn học"),
    ("6.3", "Philosophy, ethics and religion", "Triết học, đạo đức học và tôn giáo học"),
    ("6.4", "Arts", "Nghệ thuật"),
    ("6.5", "Other humanities", "Khoa học nhân văn khác"),
]


def load_fields(apps, schema_editor):
    FieldOfScience = apps.get_model("events", "FieldOfScience")
    by_code = {}
    for code, name_en, name_vi in FIELDS:
        parent = by_code.get(code.split(".")[0]) if "." in code else None
        field, _ = FieldOfScience.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_vi": name_vi, "parent": parent}
        )
        by_code[code] = field


def unload_fields(apps, schema_editor):
    FieldOfScience = apps.get_model("events", "FieldOfScience")
    FieldOfScience.objects.filter(parent__isnull=False).delete()
    FieldOfScience.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load_fields, unload_fields)]
